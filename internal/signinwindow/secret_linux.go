//go:build linux && cgo

package signinwindow

/*
#include <stdlib.h>
#include <string.h>
#include "secret_linux.h"
*/
import "C"

import (
	"errors"
	"unsafe"
)

// ErrSecretWindow means the secret's window could not be opened: no GTK
// loop is running.
var ErrSecretWindow = errors.New("the window could not be opened")

// secretWarning is the line under the secret.
const secretWarning = "Anyone who sees your screen can use it: close this window when you are done."

// SecretWindows shows secrets (a profile's token) in small native windows of
// their own, one per key (a profile's id), for the operator to read or
// select: a dialog named by its title, the text in a monospace font wrapped
// anywhere within about 60 characters, a warning, and a Close button that
// has the focus (Escape closes too). The window is not modal: the app stays
// usable while it is open.
//
// The text is on PRIMARY only if the operator selects it with the mouse (the
// keyboard never selects it), the C copy made to hand it to GTK is zeroed
// once GTK has its own, and it is never logged. GTK's own copies (the
// label's text, its layout) are freed, not zeroed, when the window closes.
//
// Like SecretClipboard it needs the GTK main loop; its methods may be called
// from any goroutine but the GTK thread (Show waits).
type SecretWindows struct{}

// secretWindow is one open window; its fields are touched on the GTK thread
// only, except closed.
type secretWindow struct {
	id     int
	key    string
	widget *C.GtkWidget
	closed chan struct{}
}

// The open windows, on the GTK thread only.
var (
	secretsByKey = map[string]*secretWindow{}
	secretsByID  = map[int]*secretWindow{}
	lastSecretID int
)

// Show shows secret in the window for key, titled title, and returns when
// that window closes. When the window for key is already open it shows
// secret there and comes to the front instead of opening another.
func (SecretWindows) Show(key, title, secret string) error {
	if onMainThread() {
		return errors.New("signinwindow: Show was called on the GTK main thread, where it would wait forever")
	}
	var w *secretWindow
	if !onGTKThread(func() {
		w = secretsByKey[key]
		if w == nil {
			lastSecretID++
			w = &secretWindow{id: lastSecretID, key: key, closed: make(chan struct{})}
			ctitle, cwarning := C.CString(title), C.CString(secretWarning)
			w.widget = C.pdsw_secret_open(C.int(w.id), ctitle, cwarning)
			C.free(unsafe.Pointer(ctitle))
			C.free(unsafe.Pointer(cwarning))
			secretsByKey[key], secretsByID[w.id] = w, w
		}
		ctext := C.CString(secret)
		C.pdsw_secret_set_text(w.widget, ctext)
		C.memset(unsafe.Pointer(ctext), 0, C.size_t(len(secret)))
		C.free(unsafe.Pointer(ctext))
		C.pdsw_secret_present(w.widget)
	}) {
		return ErrSecretWindow
	}
	<-w.closed
	return nil
}

// Close closes the window for key, if one is open.
func (SecretWindows) Close(key string) {
	onGTKThread(func() {
		if w := secretsByKey[key]; w != nil {
			C.pdsw_secret_close(w.widget)
		}
	})
}

// CloseAll closes every secret's window, e.g. when the app quits.
func (SecretWindows) CloseAll() {
	onGTKThread(func() {
		for _, w := range secretsByKey {
			C.pdsw_secret_close(w.widget)
		}
	})
}

//export pdswSecretClosed
func pdswSecretClosed(id C.int) {
	w := secretsByID[int(id)]
	if w == nil {
		return
	}
	delete(secretsByID, w.id)
	delete(secretsByKey, w.key)
	close(w.closed)
}

// secretShown is what a secret's window shows, read back from GTK; for
// tests.
type secretShown struct {
	text, name    string
	width         int
	closeHasFocus bool
}

// showing reads what the window for key shows; ok is false when none is
// open.
func showing(key string) (shown secretShown, ok bool) {
	onGTKThread(func() {
		w := secretsByKey[key]
		if w == nil {
			return
		}
		ok = true
		text, name := C.pdsw_secret_text(w.widget), C.pdsw_secret_accessible_name(w.widget)
		shown.text, shown.name = C.GoString(text), C.GoString(name)
		C.g_free(C.gpointer(unsafe.Pointer(text)))
		C.g_free(C.gpointer(unsafe.Pointer(name)))
		shown.width = int(C.pdsw_secret_width(w.widget))
		shown.closeHasFocus = C.pdsw_secret_close_has_focus(w.widget) == 1
	})
	return shown, ok
}
