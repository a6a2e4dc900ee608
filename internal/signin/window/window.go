// Package window holds what every sign-in window shares: the options one is
// opened with and the errors it ends with. internal/signin declares the
// window it needs (signin.Window) with these; internal/signinwindow (GTK and
// WebKitGTK, in the app) and internal/windowproc (the app run by the command
// line) implement it, and internal/explain words its errors.
//
// It is a package of its own, with no code, so that each of them can import
// it without importing the others: nothing here links a native library.
package window

import (
	"errors"
	"time"
)

// Options describe one sign-in window.
type Options struct {
	// AuthorizeURL is the first page loaded: the provider's authorize URL with
	// all its parameters.
	AuthorizeURL string
	// RedirectURI is the registered redirect_uri. Navigations to it are
	// intercepted and never loaded.
	RedirectURI string
	// DataDir keeps the provider's cookies and storage between sign-ins.
	// "" means an ephemeral session that forgets everything when closed.
	DataDir string
	// Timeout ends the attempt with ErrTimeout when no redirect came.
	// Zero means no limit other than the caller's context.
	Timeout time.Duration
	// Hidden opens the window off screen: it shows itself only when a page
	// finishes loading without the provider redirecting first, that is,
	// when the provider needs the operator. Silent renewal uses it.
	Hidden bool
	// Title names the window; the provider's host and whether the connection
	// is secure are added to it as pages load.
	Title string
}

// How a sign-in window can end without a redirect. A window returns these
// (wrapped, perhaps, with more words) so that callers can tell them apart
// whichever window they use.
var (
	// ErrCancelled means the operator closed the window, or the caller's
	// context ended, before the provider redirected.
	ErrCancelled = errors.New("the sign-in window was closed before sign-in finished")
	// ErrTimeout means no redirect to the registered redirect_uri came in time.
	ErrTimeout = errors.New("no answer from the sign-in page in time")
	// ErrInProgress means a sign-in window is already open; it was brought to
	// the front instead of opening a second one.
	ErrInProgress = errors.New("a sign-in window is already open")
	// ErrUnsupported means this system has no sign-in window yet.
	ErrUnsupported = errors.New("the sign-in window is not supported on this system yet")
	// ErrNoDisplay means there is no desktop session to show a window in.
	ErrNoDisplay = errors.New("there is no desktop display to show the sign-in window on (is DISPLAY or WAYLAND_DISPLAY set?)")
	// ErrCrashed means the window's web process stopped unexpectedly.
	ErrCrashed = errors.New("the sign-in page stopped unexpectedly")
	// ErrNoSandbox means the web-process sandbox the window needs cannot
	// start on this computer, so no window was opened: the window shows
	// third-party pages only inside it. Its text is in the operator's words.
	ErrNoSandbox = errors.New("Partnerdesk opens sign-in pages only inside a protective sandbox, and the sandbox cannot start on this computer, so the sign-in window was not opened")
)
