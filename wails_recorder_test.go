package main

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/options"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// wailsRecorder stands in for the app's window in Wails' runtime: the
// runtime's functions (wailsruntime.MessageDialog, BrowserOpenURL,
// ClipboardSetText, ...) find the window in the context the app was started
// with, under the key "frontend". Putting this there records every native
// call the app makes, whichever code makes it, without a window.
type wailsRecorder struct {
	mu        sync.Mutex
	dialogs   []wailsruntime.MessageDialogOptions
	opened    []string // addresses given to the system browser
	clipboard []string // texts put on the clipboard through Wails
	notes     []wailsruntime.NotificationOptions

	openFile string // what the open-file dialog answers
	saveFile string // what the save-file dialog answers
}

// appContext is a context like the one Wails starts the app with.
func (w *wailsRecorder) appContext(parent context.Context) context.Context {
	return context.WithValue(parent, "frontend", w) //nolint:staticcheck // the key Wails' runtime reads
}

func (w *wailsRecorder) MessageDialog(o wailsruntime.MessageDialogOptions) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dialogs = append(w.dialogs, o)
	if o.Type == wailsruntime.QuestionDialog {
		return "Yes", nil
	}
	return "OK", nil
}

func (w *wailsRecorder) BrowserOpenURL(url string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.opened = append(w.opened, url)
}

func (w *wailsRecorder) ClipboardSetText(text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clipboard = append(w.clipboard, text)
	return nil
}

func (w *wailsRecorder) SendNotification(o wailsruntime.NotificationOptions) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notes = append(w.notes, o)
	return nil
}

func (w *wailsRecorder) SendNotificationWithActions(o wailsruntime.NotificationOptions) error {
	return w.SendNotification(o)
}

func (w *wailsRecorder) OpenFileDialog(wailsruntime.OpenDialogOptions) (string, error) {
	return w.openFile, nil
}

func (w *wailsRecorder) SaveFileDialog(wailsruntime.SaveDialogOptions) (string, error) {
	return w.saveFile, nil
}

// The rest of the window does nothing here.

func (w *wailsRecorder) Run(context.Context) error { return nil }
func (w *wailsRecorder) RunMainLoop()              {}
func (w *wailsRecorder) ExecJS(string)             {}
func (w *wailsRecorder) Hide()                     {}
func (w *wailsRecorder) Show()                     {}
func (w *wailsRecorder) Quit()                     {}
func (w *wailsRecorder) OpenMultipleFilesDialog(wailsruntime.OpenDialogOptions) ([]string, error) {
	return nil, nil
}
func (w *wailsRecorder) OpenDirectoryDialog(wailsruntime.OpenDialogOptions) (string, error) {
	return "", nil
}
func (w *wailsRecorder) WindowSetTitle(string)                        {}
func (w *wailsRecorder) WindowShow()                                  {}
func (w *wailsRecorder) WindowHide()                                  {}
func (w *wailsRecorder) WindowCenter()                                {}
func (w *wailsRecorder) WindowToggleMaximise()                        {}
func (w *wailsRecorder) WindowMaximise()                              {}
func (w *wailsRecorder) WindowUnmaximise()                            {}
func (w *wailsRecorder) WindowMinimise()                              {}
func (w *wailsRecorder) WindowUnminimise()                            {}
func (w *wailsRecorder) WindowSetAlwaysOnTop(bool)                    {}
func (w *wailsRecorder) WindowSetPosition(int, int)                   {}
func (w *wailsRecorder) WindowGetPosition() (int, int)                { return 0, 0 }
func (w *wailsRecorder) WindowSetSize(int, int)                       {}
func (w *wailsRecorder) WindowGetSize() (int, int)                    { return 1040, 720 }
func (w *wailsRecorder) WindowSetMinSize(int, int)                    {}
func (w *wailsRecorder) WindowSetMaxSize(int, int)                    {}
func (w *wailsRecorder) WindowFullscreen()                            {}
func (w *wailsRecorder) WindowUnfullscreen()                          {}
func (w *wailsRecorder) WindowSetBackgroundColour(*options.RGBA)      {}
func (w *wailsRecorder) WindowReload()                                {}
func (w *wailsRecorder) WindowReloadApp()                             {}
func (w *wailsRecorder) WindowSetSystemDefaultTheme()                 {}
func (w *wailsRecorder) WindowSetLightTheme()                         {}
func (w *wailsRecorder) WindowSetDarkTheme()                          {}
func (w *wailsRecorder) WindowIsMaximised() bool                      { return false }
func (w *wailsRecorder) WindowIsMinimised() bool                      { return false }
func (w *wailsRecorder) WindowIsNormal() bool                         { return true }
func (w *wailsRecorder) WindowIsFullscreen() bool                     { return false }
func (w *wailsRecorder) WindowClose()                                 {}
func (w *wailsRecorder) WindowPrint()                                 {}
func (w *wailsRecorder) ScreenGetAll() ([]wailsruntime.Screen, error) { return nil, nil }
func (w *wailsRecorder) MenuSetApplicationMenu(*menu.Menu)            {}
func (w *wailsRecorder) MenuUpdateApplicationMenu()                   {}
func (w *wailsRecorder) Notify(string, ...interface{})                {}
func (w *wailsRecorder) ClipboardGetText() (string, error)            { return "", nil }
func (w *wailsRecorder) InitializeNotifications() error               { return nil }
func (w *wailsRecorder) CleanupNotifications()                        {}
func (w *wailsRecorder) IsNotificationAvailable() bool                { return true }
func (w *wailsRecorder) RequestNotificationAuthorization() (bool, error) {
	return true, nil
}
func (w *wailsRecorder) CheckNotificationAuthorization() (bool, error) { return true, nil }
func (w *wailsRecorder) OnNotificationResponse(func(wailsruntime.NotificationResult)) {
}
func (w *wailsRecorder) RegisterNotificationCategory(wailsruntime.NotificationCategory) error {
	return nil
}
func (w *wailsRecorder) RemoveNotificationCategory(string) error  { return nil }
func (w *wailsRecorder) RemoveAllPendingNotifications() error     { return nil }
func (w *wailsRecorder) RemovePendingNotification(string) error   { return nil }
func (w *wailsRecorder) RemoveAllDeliveredNotifications() error   { return nil }
func (w *wailsRecorder) RemoveDeliveredNotification(string) error { return nil }
func (w *wailsRecorder) RemoveNotification(string) error          { return nil }

// recordingClipboard is a secretClipboard that remembers what it holds.
type recordingClipboard struct {
	mu      sync.Mutex
	copied  []string
	holds   string
	cleared int
}

func (c *recordingClipboard) Copy(text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.copied = append(c.copied, text)
	c.holds = text
	return nil
}

func (c *recordingClipboard) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holds = ""
	c.cleared++
}

// recordingWindows is a secretWindows that remembers what each profile's
// window shows; Show returns at once, as if the operator closed it.
type recordingWindows struct {
	mu     sync.Mutex
	shown  []shownSecret     // every Show, in order
	open   map[string]string // profile id -> the text its window shows
	closed []string          // the profiles whose window was closed
}

type shownSecret struct{ profileID, title, text string }

func (w *recordingWindows) Show(profileID, title, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.shown = append(w.shown, shownSecret{profileID, title, text})
	if w.open == nil {
		w.open = map[string]string{}
	}
	w.open[profileID] = text
	return nil
}

func (w *recordingWindows) Close(profileID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.open, profileID)
	w.closed = append(w.closed, profileID)
}

func (w *recordingWindows) CloseAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.open {
		w.closed = append(w.closed, id)
	}
	clear(w.open)
}

// showing is what the window of a profile shows; "" when none is open.
func (w *recordingWindows) showing(profileID string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.open[profileID]
}
