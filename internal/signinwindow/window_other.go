//go:build !linux

package signinwindow

import (
	"context"
	"errors"
	"time"

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

// ErrClipboard means the text could not be put on the clipboard.
var ErrClipboard = errors.New("the clipboard could not be set")

// SecretClipboard is the Linux secret clipboard's stand-in: elsewhere it
// refuses to copy (ErrUnsupported) rather than put a secret where it may
// stay; the caller decides what to use instead.
type SecretClipboard struct{}

// NewSecretClipboard returns a clipboard that refuses to copy.
func NewSecretClipboard(clearAfter time.Duration) *SecretClipboard { return &SecretClipboard{} }

// Copy reports ErrUnsupported.
func (c *SecretClipboard) Copy(text string) error { return ErrUnsupported }

// Clear does nothing.
func (c *SecretClipboard) Clear() {}

// SecretWindows is the Linux secret window's stand-in: elsewhere nothing is
// shown (ErrUnsupported).
type SecretWindows struct{}

// Show reports ErrUnsupported.
func (SecretWindows) Show(key, title, secret string) error { return ErrUnsupported }

// Close does nothing.
func (SecretWindows) Close(key string) {}

// CloseAll does nothing.
func (SecretWindows) CloseAll() {}
