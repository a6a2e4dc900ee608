//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package credential

import (
	"errors"
	"os"
	"runtime"
)

// Partnerdesk ships for Linux, Windows and macOS. Elsewhere the package
// builds, but Source refuses to renew rather than renew without a lock.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("file locking is not supported on " + runtime.GOOS)
}

func unlockFile(*os.File) error { return nil }
