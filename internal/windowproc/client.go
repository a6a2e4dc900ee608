package windowproc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"sync"

	"partnerdesk/internal/signin/window"
)

// AppMissingError means the app binary the window comes from is not where
// it should be: beside the command.
type AppMissingError struct{ Path string }

func (e *AppMissingError) Error() string {
	return fmt.Sprintf("Partnerdesk's app (%s) is missing, so no sign-in window can open. Reinstall Partnerdesk, or use partnerdesk login --browser", e.Path)
}

// Client opens sign-in windows by running the app binary in its
// window-only mode. Its Open satisfies signin.Window.
type Client struct {
	// App is the app binary's path (partnerdesk-app beside the command).
	App string
}

// Open runs one window in a child process and returns its answer. Ending
// ctx closes the child's stdin, which closes the window; the child then
// answers window.ErrCancelled (or the redirect, if that came first).
func (c Client) Open(ctx context.Context, opts window.Options) (string, error) {
	request, err := json.Marshal(opts)
	if err != nil {
		return "", err
	}
	cmd := exec.Command(c.App, Flag)
	cmd.Stderr = os.Stderr // the window's own warnings; it never writes the redirect there
	cmd.SysProcAttr = childAttr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &AppMissingError{Path: c.App}
		}
		return "", fmt.Errorf("start the sign-in window: %w", err)
	}
	var closeOnce sync.Once
	closeStdin := func() { closeOnce.Do(func() { stdin.Close() }) }
	defer closeStdin()
	if _, err := stdin.Write(append(request, '\n')); err != nil {
		closeStdin()
		cmd.Wait()
		return "", fmt.Errorf("%w (the sign-in window's process ended at once: %v)", window.ErrCrashed, err)
	}

	answered := make(chan struct{})
	defer close(answered)
	go func() {
		select {
		case <-ctx.Done():
			closeStdin()
		case <-answered:
		}
	}()

	line, readErr := bufio.NewReader(stdout).ReadBytes('\n')
	closeStdin()
	waitErr := cmd.Wait()
	var a answer
	if readErr != nil || json.Unmarshal(line, &a) != nil {
		return "", fmt.Errorf("%w (the sign-in window's process ended without an answer: %v)", window.ErrCrashed, waitErr)
	}
	return a.result()
}
