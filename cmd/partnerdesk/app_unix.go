//go:build !windows

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// runApp replaces this process with the app (same process id, so whatever
// started partnerdesk, a desktop entry or a test, is watching the app). It
// returns only when the app cannot be started.
func runApp(app string, args []string) int {
	err := syscall.Exec(app, append([]string{app}, args...), os.Environ())
	if errors.Is(err, fs.ErrNotExist) {
		return appMissing(app)
	}
	fmt.Fprintf(os.Stderr, "Partnerdesk's app (%s) could not be started: %v\n", app, err)
	return 1
}
