// Package windowproc lets the command line show the sign-in window without
// loading GTK or WebKit itself: Client runs the app binary in its
// window-only mode, and Serve is that mode, which the app's main calls.
//
// The protocol is two lines of JSON over the child's standard streams. The
// command writes the window's options as one line on the child's stdin and
// keeps stdin open; the child shows the window and writes one answer line on
// its stdout: the redirect, or the name and words of the error the window
// ended with. The command closing stdin (it gave up, or it died) closes the
// window; on Linux the child is also sent SIGTERM when the command dies.
//
// The answer carries the token inside the redirect, so Serve writes it to
// the pipe only, never to a log or to stderr. The window-only mode takes no
// single-instance lock and never starts the Wails app; this package knows
// nothing of GTK (the window is passed to Serve).
package windowproc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"partnerdesk/internal/signin/window"
)

// Flag is the app binary's argument for the window-only mode.
const Flag = "--sign-in-window"

// answer is the child's one line on stdout.
type answer struct {
	Redirect string `json:"redirect,omitempty"`
	// Error names one of window's errors ("" for any other), and Message
	// is the error's own words.
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// errorNames are the errors that keep their identity across the pipe, so
// that the command's exit codes and messages are the app's.
var errorNames = map[string]error{
	"cancelled":   window.ErrCancelled,
	"timeout":     window.ErrTimeout,
	"in-progress": window.ErrInProgress,
	"unsupported": window.ErrUnsupported,
	"no-display":  window.ErrNoDisplay,
	"crashed":     window.ErrCrashed,
	"no-sandbox":  window.ErrNoSandbox,
}

func nameOf(err error) string {
	for name, e := range errorNames {
		if errors.Is(err, e) {
			return name
		}
	}
	return ""
}

// childError is an error the window process ended with: its words, and
// the window error it was, if any.
type childError struct {
	is      error
	message string
}

func (e *childError) Error() string { return e.message }
func (e *childError) Unwrap() error { return e.is }

func (a answer) result() (string, error) {
	if a.Error == "" && a.Message == "" {
		return a.Redirect, nil
	}
	return "", &childError{is: errorNames[a.Error], message: a.Message}
}

// Serve is the window-only mode: it reads one window's options from in,
// shows the window with open inside runLoop (which turns the window
// system's loop on this thread while its function runs), and writes the
// answer to out. The window closes when in ends or on SIGTERM, SIGINT or
// SIGHUP. It returns the process's exit code: 0 when an answer was written,
// whatever it says.
func Serve(in io.Reader, out io.Writer, open func(context.Context, window.Options) (string, error), runLoop func(func()) error) int {
	lines := bufio.NewReader(in)
	line, err := lines.ReadBytes('\n')
	var opts window.Options
	if err == nil {
		err = json.Unmarshal(line, &opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "partnerdesk-app "+Flag+" is started by the partnerdesk command, which sends it what to show: run partnerdesk login instead.")
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		io.Copy(io.Discard, lines) // until the command closes stdin, or dies
		cancel()
	}()

	var redirect string
	if loopErr := runLoop(func() { redirect, err = open(ctx, opts) }); loopErr != nil {
		err = loopErr
	}
	a := answer{Redirect: redirect}
	if err != nil {
		a = answer{Error: nameOf(err), Message: err.Error()}
	}
	if json.NewEncoder(out).Encode(a) != nil {
		return 1 // the command is gone: nobody to answer
	}
	return 0
}
