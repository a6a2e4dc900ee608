package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
)

// runApp starts the app, waits for it and returns its exit code: Windows
// cannot replace a process with another.
func runApp(app string, args []string) int {
	cmd := exec.Command(app, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	case errors.Is(err, fs.ErrNotExist):
		return appMissing(app)
	}
	fmt.Fprintf(os.Stderr, "Partnerdesk's app (%s) could not be started: %v\n", app, err)
	return 1
}
