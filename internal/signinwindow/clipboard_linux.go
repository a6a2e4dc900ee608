//go:build linux && cgo

package signinwindow

/*
#include <stdlib.h>
#include <string.h>
#include "window_linux.h"
*/
import "C"

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// testClearedByTimer, set only by tests, runs after a timer's clearing.
var testClearedByTimer func()

// clipboardWait bounds how long Copy and Clear wait for the GTK thread.
const clipboardWait = 5 * time.Second

// ErrClipboard means the text could not be put on the clipboard: no GTK
// loop is running, or GTK could not take the CLIPBOARD selection.
var ErrClipboard = errors.New("the clipboard could not be set")

// SecretClipboard puts secrets (tokens) on the system clipboard the way a
// password manager does: on the CLIPBOARD selection only, never PRIMARY
// (which any middle-click pastes); offered with the target
// x-kde-passwordManagerHint = "secret", so clipboard managers that honour it
// keep no copy; cleared after a while if the clipboard still holds it; and
// never handed to a clipboard manager when the app quits.
//
// It needs the GTK main loop the app (Wails) or RunMainLoop turns; its
// methods may be called from any goroutine, and from the main thread once
// that loop has stopped (Wails' OnShutdown). It never logs the text.
type SecretClipboard struct {
	clearAfter time.Duration

	mu         sync.Mutex
	generation uint64 // of the last Copy; 0 = nothing copied yet
	timer      *time.Timer
}

// NewSecretClipboard returns a clipboard whose copies are cleared clearAfter
// after they were made, if the clipboard still holds them then. Zero means
// they stay until Clear or until another program takes the clipboard.
func NewSecretClipboard(clearAfter time.Duration) *SecretClipboard {
	return &SecretClipboard{clearAfter: clearAfter}
}

// Copy puts text on the CLIPBOARD selection, replacing whatever was there,
// and arms the timer that clears it.
func (c *SecretClipboard) Copy(text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	gen := c.generation
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	ok := false
	if !onGTKThread(func() {
		ctext := C.CString(text)
		defer func() {
			C.memset(unsafe.Pointer(ctext), 0, C.size_t(len(text)))
			C.free(unsafe.Pointer(ctext))
		}()
		ok = C.pdsw_clip_set(ctext, C.ulong(gen)) == 1
	}) || !ok {
		return ErrClipboard
	}
	if c.clearAfter > 0 {
		c.timer = time.AfterFunc(c.clearAfter, func() {
			c.clearIfHolds(gen)
			if testClearedByTimer != nil {
				testClearedByTimer()
			}
		})
	}
	return nil
}

// Clear clears the clipboard now if it still holds the last text copied:
// if another program, or another copy, took the clipboard since, it is left
// alone.
func (c *SecretClipboard) Clear() {
	c.mu.Lock()
	gen := c.generation
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.mu.Unlock()
	c.clearIfHolds(gen)
}

func (c *SecretClipboard) clearIfHolds(gen uint64) {
	if gen == 0 {
		return
	}
	onGTKThread(func() {
		if C.pdsw_clip_owned(C.ulong(gen)) == 1 {
			C.pdsw_clip_clear()
		}
	})
}

// onGTKThread runs f on the GTK main thread and waits for it; it reports
// whether f ran. When f has not started within clipboardWait (no loop is
// turning), it never will: a late Copy must not set the clipboard after its
// caller was told it failed. On the main thread itself (after the loop
// stopped, or inside a GTK callback) f runs at once.
func onGTKThread(f func()) bool {
	if onMainThread() {
		f()
		return true
	}
	const waiting, started, abandoned = 0, 1, 2
	var state atomic.Int32
	done := make(chan struct{})
	runOnMain(func() {
		if state.CompareAndSwap(waiting, started) {
			f()
			close(done)
		}
	})
	select {
	case <-done:
		return true
	case <-time.After(clipboardWait):
		if state.CompareAndSwap(waiting, abandoned) {
			return false
		}
		<-done // it started just now
		return true
	}
}
