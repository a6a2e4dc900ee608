package signin

import (
	"context"
	"time"

	"partnerdesk/internal/signin/window"
)

// Window shows the authorize page in a window of its own and returns the
// full URL the provider redirected to (query and fragment included), without
// ever loading it; when it ends otherwise, it returns one of package
// window's errors. internal/signinwindow implements it inside the app;
// internal/windowproc implements it for the command line by running the app
// binary in its window-only mode.
type Window func(ctx context.Context, opts window.Options) (string, error)

// windowGrace is how long a window may take to close and answer once its
// attempt has ended (the caller gave up, or the time-out passed). It is
// longer than signinwindow's own wait for GTK to confirm a window is gone,
// so a working window always answers first.
var windowGrace = 15 * time.Second

// showWindow runs the sign-in window and returns its answer. A window that
// has not answered windowGrace after the attempt ended is left behind (it is
// told to close, and its late answer is dropped): a window that cannot close
// must not hold the sign-in, and with it every later one, forever.
func (s *Service) showWindow(ctx context.Context, opts window.Options) (string, error) {
	type answer struct {
		redirect string
		err      error
	}
	windowCtx, closeWindow := context.WithCancel(ctx)
	defer closeWindow()
	answered := make(chan answer, 1) // buffered: a late answer never blocks
	open := s.Window
	go func() {
		redirect, err := open(windowCtx, opts)
		answered <- answer{redirect, err}
	}()

	var timedOut <-chan time.Time
	if opts.Timeout > 0 { // the window ends the attempt itself at opts.Timeout
		t := time.NewTimer(opts.Timeout + windowGrace)
		defer t.Stop()
		timedOut = t.C
	}
	select {
	case a := <-answered:
		return a.redirect, a.err
	case <-timedOut:
		return "", window.ErrTimeout
	case <-ctx.Done():
	}
	grace := time.NewTimer(windowGrace)
	defer grace.Stop()
	select {
	case a := <-answered: // closed as asked; or a redirect that came first
		return a.redirect, a.err
	case <-grace.C:
		return "", window.ErrCancelled
	}
}
