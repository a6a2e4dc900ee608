//go:build !(linux && cgo)

package signinwindow

import (
	"context"
	"errors"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/signin/window"
)

// Open reports window.ErrUnsupported: only Linux, built with cgo against
// GTK and WebKitGTK, has a sign-in window so far. The redirect_uri is still
// checked so callers see the same validation everywhere.
func Open(ctx context.Context, opts window.Options) (string, error) {
	if _, err := oauth.NewMatcher(opts.RedirectURI); err != nil {
		return "", err
	}
	return "", window.ErrUnsupported
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
// refuses to copy (window.ErrUnsupported) rather than put a secret where it may
// stay; the caller decides what to use instead.
type SecretClipboard struct{}

// NewSecretClipboard returns a clipboard that refuses to copy.
func NewSecretClipboard(clearAfter time.Duration) *SecretClipboard { return &SecretClipboard{} }

// Copy reports window.ErrUnsupported.
func (c *SecretClipboard) Copy(text string) error { return window.ErrUnsupported }

// Clear does nothing.
func (c *SecretClipboard) Clear() {}

// SecretWindows is the Linux secret window's stand-in: elsewhere nothing is
// shown (window.ErrUnsupported).
type SecretWindows struct{}

// Show reports window.ErrUnsupported.
func (SecretWindows) Show(key, title, secret string) error { return window.ErrUnsupported }

// Close does nothing.
func (SecretWindows) Close(key string) {}

// CloseAll does nothing.
func (SecretWindows) CloseAll() {}
