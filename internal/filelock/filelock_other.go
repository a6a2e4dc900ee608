//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package filelock

import (
	"errors"
	"os"
	"runtime"
)

// Partnerdesk ships for Linux, Windows and macOS. Elsewhere the package
// builds, but TryLock fails, so that callers refuse to write or renew
// rather than do it without a lock.
func TryLock(*os.File) (bool, error) {
	return false, errors.New("file locking is not supported on " + runtime.GOOS)
}

// Unlock does nothing where TryLock never locks.
func Unlock(*os.File) error { return nil }
