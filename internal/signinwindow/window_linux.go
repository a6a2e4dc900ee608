//go:build linux && cgo

package signinwindow

/*
#cgo linux pkg-config: gtk+-3.0
#cgo !webkit2_41 pkg-config: webkit2gtk-4.0
#cgo webkit2_41 pkg-config: webkit2gtk-4.1
#include <stdlib.h>
#include "window_linux.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/signin/window"
)

const (
	defaultWidth  = 560
	defaultHeight = 720
)

// destroyWait bounds how long Open waits for GTK to confirm the window is
// gone once the result is known.
var destroyWait = 5 * time.Second

// GTK is not thread-safe and runs its loop on the main OS thread (Wails calls
// gtk_main there; RunMainLoop does on the CLI). Every GTK and WebKit call is
// queued here and run from an idle callback on that thread.
var (
	queueMu sync.Mutex
	queue   []func()
	mainTID atomic.Int64
)

func runOnMain(f func()) {
	queueMu.Lock()
	queue = append(queue, f)
	queueMu.Unlock()
	C.pdsw_wakeup()
}

func onMainThread() bool {
	tid := mainTID.Load()
	return tid != 0 && int64(syscall.Gettid()) == tid
}

//export pdswDrain
func pdswDrain() {
	mainTID.Store(int64(syscall.Gettid()))
	queueMu.Lock()
	q := queue
	queue = nil
	queueMu.Unlock()
	for _, f := range q {
		f()
	}
}

// attempt is one open window. Fields marked "main thread" are touched only on
// the GTK thread.
type attempt struct {
	id      int
	opts    window.Options
	matcher *oauth.Matcher
	filter  redirectFilter
	// filterDir holds the compiled redirect filter; removed with the window
	filterDir string
	window    *C.PdswWindow // main thread; nil once destroyed
	reason    error         // main thread: why the window is closing
	// main thread: the redirect_uri addresses HTTP redirects led to since
	// the main frame's last load step (see answer)
	redirectTargets []string
	shown           bool // main thread: the window is on screen
	once            sync.Once
	result          chan outcome // buffered: finish never blocks the GTK thread
	gone            chan struct{}
}

type outcome struct {
	redirect string
	err      error
}

// testObserver, set only by tests, sees each decision on a navigation, each
// page committed and each answer, full URI included. It runs on the GTK
// thread.
var testObserver func(what, uri string)

var (
	mu       sync.Mutex
	attempts = map[int]*attempt{}
	current  *attempt
	lastID   int
)

func lookup(id C.int) *attempt {
	mu.Lock()
	defer mu.Unlock()
	return attempts[int(id)]
}

func (a *attempt) finish(o outcome) {
	a.once.Do(func() { a.result <- o })
}

// Open shows the sign-in window, loads opts.AuthorizeURL, and waits. It
// returns the full redirect URL (query and fragment included) when the
// provider navigates to opts.RedirectURI; window.ErrCancelled when the operator
// closes the window or ctx ends; window.ErrTimeout after opts.Timeout. When a window
// is already open, that one is brought to the front and window.ErrInProgress
// returned. Open must not be called on the GTK main thread, which it would
// block.
func Open(ctx context.Context, opts window.Options) (string, error) {
	opts = withDefaults(opts)
	matcher, err := oauth.NewMatcher(opts.RedirectURI)
	if err != nil {
		return "", err
	}
	filter, err := newRedirectFilter(opts.RedirectURI)
	if err != nil {
		return "", err
	}
	if !loadable(opts.AuthorizeURL) {
		return "", errNotLoadable
	}
	if onMainThread() {
		return "", errors.New("signinwindow: Open was called on the GTK main thread, where it would wait forever")
	}
	if err := checkSandbox(); err != nil {
		return "", err
	}
	if opts.DataDir != "" {
		// Provider cookies are as good as a password for a while: owner only.
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return "", fmt.Errorf("create sign-in data folder: %w", err)
		}
		if err := os.Chmod(opts.DataDir, 0o700); err != nil {
			return "", fmt.Errorf("protect sign-in data folder: %w", err)
		}
	}

	mu.Lock()
	if current != nil {
		open := current
		mu.Unlock()
		runOnMain(func() {
			if open.window != nil && open.shown {
				C.pdsw_present(open.window)
			}
		})
		return "", window.ErrInProgress
	}
	// WebKit keeps the compiled redirect filter in a folder of its own.
	filterDir, err := os.MkdirTemp("", "partnerdesk-signin-")
	if err != nil {
		mu.Unlock()
		return "", fmt.Errorf("create sign-in filter folder: %w", err)
	}
	lastID++
	a := &attempt{id: lastID, opts: opts, matcher: matcher, filter: filter, filterDir: filterDir, result: make(chan outcome, 1), gone: make(chan struct{})}
	attempts[a.id] = a
	current = a
	mu.Unlock()

	runOnMain(func() {
		title, uri, dir := C.CString(opts.Title), C.CString(opts.AuthorizeURL), C.CString(opts.DataDir)
		fdir, rules := C.CString(filterDir), C.CString(filter.rules())
		defer C.free(unsafe.Pointer(title))
		defer C.free(unsafe.Pointer(uri))
		defer C.free(unsafe.Pointer(dir))
		defer C.free(unsafe.Pointer(fdir))
		defer C.free(unsafe.Pointer(rules))
		hidden := C.int(0)
		if opts.Hidden {
			hidden = 1
		}
		a.window = C.pdsw_open(C.int(a.id), title, uri, dir, defaultWidth, defaultHeight, hidden, fdir, rules)
		a.shown = !opts.Hidden
		slog.Debug("sign-in window opened", "url", redactURL(opts.AuthorizeURL))
	})

	var timeout <-chan time.Time
	if opts.Timeout > 0 {
		t := time.NewTimer(opts.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var o outcome
	select {
	case o = <-a.result:
	case <-timeout:
		o = a.closeAndWait(window.ErrTimeout)
	case <-ctx.Done():
		o = a.closeAndWait(window.ErrCancelled)
	}
	select { // the window goes right after the result; its WebKit processes with it
	case <-a.gone:
	case <-time.After(destroyWait):
		a.abandon()
	}
	return o.redirect, o.err
}

// abandon stops counting a window GTK never confirmed gone as the open
// one, so that it cannot hold every later sign-in back; if it goes later,
// pdswDestroyed tidies up as usual.
func (a *attempt) abandon() {
	mu.Lock()
	if current == a {
		current = nil
	}
	mu.Unlock()
	slog.Warn("the sign-in window did not confirm it closed; the next sign-in may open another")
}

// closeAndWait closes the window for reason and returns the outcome, which is
// still a redirect if one raced in first.
func (a *attempt) closeAndWait(reason error) outcome {
	runOnMain(func() {
		if a.window == nil {
			return
		}
		if a.reason == nil {
			a.reason = reason
		}
		C.pdsw_close(a.window)
	})
	select {
	case o := <-a.result:
		return o
	case <-time.After(destroyWait): // no GTK loop is running: nothing can close it
		a.finish(outcome{err: reason})
		return <-a.result
	}
}

// show puts a hidden window on screen; main thread.
func (a *attempt) show() {
	if !a.shown && a.window != nil {
		a.shown = true
		C.pdsw_show(a.window)
		slog.Debug("sign-in window shown: the provider needs the operator")
	}
}

// closeLater destroys the window from an idle callback: never inside a
// WebKit signal handler, whose objects it would free under WebKit's feet.
func (a *attempt) closeLater() {
	runOnMain(func() {
		if a.window != nil {
			C.pdsw_close(a.window)
		}
	})
}

//export pdswDecide
func pdswDecide(id C.int, curi *C.char, redirect C.int) C.int {
	a := lookup(id)
	if a == nil {
		return C.PDSW_REFUSE
	}
	uri := C.GoString(curi)
	verdict, why := a.decide(uri, redirect != 0)
	slog.Debug("sign-in window navigation", "url", redactURL(uri), "verdict", why)
	if testObserver != nil {
		testObserver(why, uri)
	}
	return verdict
}

// decide rules on one navigation, of any frame; main thread.
func (a *attempt) decide(uri string, redirect bool) (C.int, string) {
	switch {
	case a.matcher.Match(uri) && a.filter.blocks(uri):
		// The redirect filter blocks it before any request. If this is the
		// main frame, load-failed brings the answer; if a subframe, nothing
		// does, and the attempt goes on.
		if redirect && len(a.redirectTargets) < maxRedirectTargets && !slices.Contains(a.redirectTargets, uri) {
			a.redirectTargets = append(a.redirectTargets, uri)
		}
		return C.PDSW_USE, "to the redirect filter"
	case a.matcher.Match(uri):
		return C.PDSW_REFUSE, "refused: an unusual spelling of the redirect address"
	case !loadable(uri):
		return C.PDSW_REFUSE, "refused: not a web page"
	}
	return C.PDSW_USE, "allowed"
}

// sandboxed reports whether the window's web context runs its pages in
// WebKit's sandbox; main thread.
func (a *attempt) sandboxed() bool {
	return a.window != nil && C.pdsw_sandboxed(a.window) == 1
}

// maxRedirectTargets bounds redirectTargets; more than one is already
// ambiguous.
const maxRedirectTargets = 4

// answer returns the redirect_uri address the main frame went to, given the
// address WebKit reports for a main-frame load the redirect filter blocked.
// A direct navigation (script, link, form, meta refresh, popup) reports the
// redirect_uri address itself. An HTTP redirect reports the address that
// answered with it, so the target is the one HTTP redirect to the
// redirect_uri decide-policy let through since the main frame's last load
// step. An iframe redirected at that very moment would make two: then
// neither is used (ok false), the window says so and stays open.
func (a *attempt) answer(failing string) (redirect string, ok bool) {
	if a.matcher.Match(failing) && a.filter.blocks(failing) {
		return failing, true
	}
	if len(a.redirectTargets) == 1 {
		return a.redirectTargets[0], true
	}
	return "", false
}

//export pdswEvent
func pdswEvent(id C.int, event C.int, curi *C.char, code C.int, cdomain, cmessage *C.char) {
	a := lookup(id)
	if a == nil || a.window == nil {
		return
	}
	uri := C.GoString(curi)
	switch event {
	case C.PDSW_COMMITTED:
		if testObserver != nil {
			testObserver("committed", uri)
		}
		if uri == "about:blank" { // our own message page: keep the title
			return
		}
		title := C.CString(windowTitle(a.opts.Title, uri, Security(code)))
		C.pdsw_set_title(a.window, title)
		C.free(unsafe.Pointer(title))
	case C.PDSW_LOAD_FAILED, C.PDSW_TLS_FAILED:
		domain := C.GoString(cdomain)
		slog.Debug("sign-in page failed to load", "url", redactURL(uri), "domain", domain, "code", int(code))
		if uri == "about:blank" {
			return
		}
		if event == C.PDSW_LOAD_FAILED && blockedByFilter(domain, int(code)) {
			// The main frame went to the redirect_uri and the redirect
			// filter stopped it (load-failed is emitted for the main frame
			// only).
			redirect, ok := a.answer(uri)
			if !ok {
				slog.Warn("the sign-in page sent more than one answer at once; none was used", "count", len(a.redirectTargets))
				a.show()
				page := C.CString(messagePage(ambiguousAnswer, a.opts.AuthorizeURL))
				C.pdsw_show_html(a.window, page)
				C.free(unsafe.Pointer(page))
				return
			}
			if testObserver != nil {
				testObserver("answer", redirect)
			}
			a.finish(outcome{redirect: redirect})
			a.closeLater()
			return
		}
		if msg := loadFailure(domain, int(code), uri); msg != "" {
			a.show()
			title := C.CString(a.opts.Title + ": the page could not be opened")
			C.pdsw_set_title(a.window, title)
			C.free(unsafe.Pointer(title))
			page := C.CString(messagePage(msg, a.opts.AuthorizeURL))
			C.pdsw_show_html(a.window, page)
			C.free(unsafe.Pointer(page))
		}
	case C.PDSW_STARTED:
		a.redirectTargets = nil
	case C.PDSW_NO_FILTER:
		slog.Error("the sign-in window's redirect filter did not compile", "error", C.GoString(cmessage))
		if a.reason == nil {
			a.reason = errNoFilter
		}
		a.closeLater()
	case C.PDSW_FINISHED:
		// A page finished loading and no redirect came first: the provider
		// wants the operator. A hidden window shows itself now.
		a.show()
	case C.PDSW_DELETE:
		if a.reason == nil {
			a.reason = window.ErrCancelled
		}
	case C.PDSW_CRASHED:
		if a.reason == nil {
			a.reason = window.ErrCrashed
		}
		a.closeLater()
	}
}

//export pdswDestroyed
func pdswDestroyed(id C.int) {
	a := lookup(id)
	if a == nil {
		return
	}
	a.window = nil
	reason := a.reason
	if reason == nil {
		reason = window.ErrCancelled // destroyed without asking, e.g. the X window was killed
	}
	a.finish(outcome{err: reason}) // no effect after a redirect
	mu.Lock()
	delete(attempts, a.id)
	if current == a {
		current = nil
	}
	mu.Unlock()
	close(a.gone)
	os.RemoveAll(a.filterDir)
	slog.Debug("sign-in window closed")
}

// Present brings the open sign-in window, if any, to the front.
func Present() {
	mu.Lock()
	a := current
	mu.Unlock()
	if a != nil {
		runOnMain(func() {
			if a.window != nil {
				a.show()
				C.pdsw_present(a.window)
			}
		})
	}
}

// CloseAll closes any open sign-in window as cancelled, e.g. when the app
// quits.
func CloseAll() {
	mu.Lock()
	a := current
	mu.Unlock()
	if a != nil {
		runOnMain(func() {
			if a.window != nil {
				if a.reason == nil {
					a.reason = window.ErrCancelled
				}
				C.pdsw_close(a.window)
			}
		})
	}
}

// RunMainLoop runs fn while a GTK main loop turns on the calling thread, and
// returns when fn does. Command-line tools use it to show a sign-in window
// without the app; it must be called from the main goroutine locked to the
// main OS thread (see main.go), and never while Wails runs.
func RunMainLoop(fn func()) error {
	// As Wails does: under X11 or no session type, use the X11 backend.
	if os.Getenv("GDK_BACKEND") == "" {
		if st := os.Getenv("XDG_SESSION_TYPE"); st == "" || st == "x11" || st == "unspecified" {
			os.Setenv("GDK_BACKEND", "x11")
		}
	}
	if C.pdsw_init() == 0 {
		return window.ErrNoDisplay
	}
	go func() {
		defer runOnMain(func() { C.pdsw_quit() })
		fn()
	}()
	C.pdsw_main()
	return nil
}
