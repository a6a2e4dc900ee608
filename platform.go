package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
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
	ctx atomic.Value // the context.Context Wails started the app with

	clipboard secretClipboard
	secrets   secretWindows

	notifyOnce sync.Once
	notifyOK   bool

	// emit replaces the Wails event bus; for tests.
	emit func(event string, payload any)
}

// secretClipboard and secretWindows are signinwindow's SecretClipboard
// (the CLIPBOARD selection only, marked secret for clipboard managers,
// cleared after a while) and SecretWindows (a token's own native window, one
// per profile); tests put recording ones in their place.
type secretClipboard interface {
	Copy(text string) error
	Clear()
}

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

func (w *wailsPlatform) start(ctx context.Context) { w.ctx.Store(ctx) }

// runtime is the context the Wails runtime reads; nil before start.
func (w *wailsPlatform) runtime() context.Context {
	ctx, _ := w.ctx.Load().(context.Context)
	return ctx
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
var errNotStarted = errors.New("the app's window is not ready yet; try again")
