//go:build !linux

package signinwindow

import (
	"context"

	"partnerdesk/internal/oauth"
)

// Open reports ErrUnsupported: only Linux has a sign-in window so far. The
// redirect_uri is still checked so callers see the same validation everywhere.
func Open(ctx context.Context, opts Options) (string, error) {
	if _, err := oauth.NewMatcher(opts.RedirectURI); err != nil {
		return "", err
	}
	return "", ErrUnsupported
}

// Present does nothing where no window can be open.
func Present() {}

// CloseAll does nothing where no window can be open.
func CloseAll() {}

// RunMainLoop runs fn: there is no window loop to turn here.
func RunMainLoop(fn func()) error {
	fn()
	return nil
}
