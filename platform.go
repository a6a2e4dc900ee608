package main

import (
	"context"
	"sync"
	"time"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"partnerdesk/internal/desktop"
	"partnerdesk/internal/signinwindow"
)

// wailsPlatform is desktop.Platform in the real app: the Wails runtime for
// the page, the window, the browser, notifications and file windows;
// signinwindow for the secret clipboard, the windows that show a token and
// the sign-in window. The Wails runtime needs the context Wails starts the
// app with: until then (and in tests without one) it does nothing.
type wailsPlatform struct {
	mu  sync.Mutex
	ctx context.Context

	clipboard secretClipboard
	secrets   secretWindows

	notifyOnce sync.Once
	notifyOK   bool

	// emit replaces the Wails event bus; for tests.
	emit func(event string, payload any)
}

// secretClipboard puts a token on the system clipboard in a way meant for
// secrets: the CLIPBOARD selection only, never PRIMARY (one middle-click
// away), marked so that clipboard managers skip it, and cleared after a while
// if it still holds the token. signinwindow.SecretClipboard is the real one;
// tests put a recording one in its place.
type secretClipboard interface {
	Copy(text string) error
	Clear()
}

// secretWindows shows a token in a native window of its own, one per
// profile. signinwindow.SecretWindows is the real one.
type secretWindows interface {
	Show(profileID, title, token string) error
	Close(profileID string)
	CloseAll()
}

// copiedTokenLifetime is how long a copied token stays on the clipboard.
// The card says so: "Copied; cleared in 45 s".
const copiedTokenLifetime = 45 * time.Second

func newWailsPlatform() *wailsPlatform {
	return &wailsPlatform{clipboard: signinwindow.NewSecretClipboard(copiedTokenLifetime), secrets: signinwindow.SecretWindows{}}
}

func (w *wailsPlatform) start(ctx context.Context) {
	w.mu.Lock()
	w.ctx = ctx
	w.mu.Unlock()
}

// runtime is the context the Wails runtime reads; nil before start.
func (w *wailsPlatform) runtime() context.Context {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ctx
}

func (w *wailsPlatform) Emit(event string, payload any) {
	if w.emit != nil {
		w.emit(event, payload)
		return
	}
	if ctx := w.runtime(); ctx != nil {
		wailsruntime.EventsEmit(ctx, event, payload)
	}
}

func (w *wailsPlatform) Notify(id, title, body string) bool {
	ctx := w.runtime()
	if ctx == nil {
		return false
	}
	w.notifyOnce.Do(func() { w.notifyOK = wailsruntime.InitializeNotifications(ctx) == nil })
	if !w.notifyOK {
		return false
	}
	return wailsruntime.SendNotification(ctx, wailsruntime.NotificationOptions{ID: id, Title: title, Body: body}) == nil
}

func (w *wailsPlatform) CopyText(text string) error {
	ctx := w.runtime()
	if ctx == nil {
		return errNotStarted
	}
	return wailsruntime.ClipboardSetText(ctx, text)
}

func (w *wailsPlatform) OpenURL(address string) {
	if ctx := w.runtime(); ctx != nil {
		wailsruntime.BrowserOpenURL(ctx, address)
	}
}

func (w *wailsPlatform) SaveFile(title, defaultName string, filter desktop.FileFilter) (string, error) {
	ctx := w.runtime()
	if ctx == nil {
		return "", errNotStarted
	}
	return wailsruntime.SaveFileDialog(ctx, wailsruntime.SaveDialogOptions{Title: title, DefaultFilename: defaultName,
		Filters: []wailsruntime.FileFilter{{DisplayName: filter.DisplayName, Pattern: filter.Pattern}}})
}

func (w *wailsPlatform) OpenFile(title string, filter desktop.FileFilter) (string, error) {
	ctx := w.runtime()
	if ctx == nil {
		return "", errNotStarted
	}
	return wailsruntime.OpenFileDialog(ctx, wailsruntime.OpenDialogOptions{Title: title,
		Filters: []wailsruntime.FileFilter{{DisplayName: filter.DisplayName, Pattern: filter.Pattern}}})
}

func (w *wailsPlatform) RaiseWindow() {
	if ctx := w.runtime(); ctx != nil {
		wailsruntime.WindowUnminimise(ctx)
		wailsruntime.WindowShow(ctx)
	}
}

func (w *wailsPlatform) CopySecret(text string) error { return w.clipboard.Copy(text) }
func (w *wailsPlatform) ClearSecret()                 { w.clipboard.Clear() }
func (w *wailsPlatform) ShowSecret(profileID, title, token string) error {
	return w.secrets.Show(profileID, title, token)
}
func (w *wailsPlatform) CloseSecret(profileID string) { w.secrets.Close(profileID) }
func (w *wailsPlatform) CloseAllSecrets()             { w.secrets.CloseAll() }
func (w *wailsPlatform) PresentSignInWindow()         { signinwindow.Present() }
func (w *wailsPlatform) CloseSignInWindows()          { signinwindow.CloseAll() }

// errNotStarted: the page called before the window was up.
var errNotStarted = errNotStartedError{}

type errNotStartedError struct{}

func (errNotStartedError) Error() string { return "the app's window is not ready yet; try again" }
