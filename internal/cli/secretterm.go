package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// isTerminal says whether r is a terminal an operator types or pastes into.
// (Fd also puts the file in blocking mode, which ReadPassword's reads need.)
func isTerminal(r io.Reader) (*os.File, bool) {
	f, ok := r.(*os.File)
	return f, ok && term.IsTerminal(int(f.Fd()))
}

// interruptedError is Ctrl+C (or a stop signal) at the client secret's
// prompt. It is a context.Canceled, as any interrupted command's error.
type interruptedError struct{ cause error }

func (e interruptedError) Error() string {
	return "stopped before the client secret was typed; nothing was saved"
}
func (e interruptedError) Unwrap() error { return e.cause }

// readHiddenLine reads one line from the terminal tty with its echo off, so
// that a pasted client secret is neither shown on the screen nor left in
// its scrollback. The Enter that ends the line is not echoed either, so a
// newline goes to stderr to end the prompt's line.
//
// term.ReadPassword puts the echo back when it returns, but Ctrl+C does not
// make it return: Run turns SIGINT into ctx's cancellation (the read goes on
// underneath), and a process that then ended with the echo off would leave
// the operator's terminal without echo. So on ctx's end the terminal's state
// from before the read is restored here, and the command ends; the read
// left waiting ends with the process.
func readHiddenLine(ctx context.Context, tty *os.File, stderr io.Writer) (string, error) {
	fd := int(tty.Fd())
	before, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("read the client secret from the terminal: %w", err)
	}
	type result struct {
		line []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := term.ReadPassword(fd)
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		io.WriteString(stderr, "\n")
		if r.err != nil && !errors.Is(r.err, io.EOF) { // Ctrl+D is an empty line
			return "", fmt.Errorf("read the client secret from the terminal: %w", r.err)
		}
		return string(r.line), nil
	case <-ctx.Done():
		term.Restore(fd, before)
		io.WriteString(stderr, "\n")
		return "", interruptedError{ctx.Err()}
	}
}
