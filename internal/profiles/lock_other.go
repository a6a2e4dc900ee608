//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package profiles

import (
	"errors"
	"os"
	"runtime"
)

// Partnerdesk ships for Linux, Windows and macOS. Elsewhere the package
// builds, but Update refuses to write rather than write without a lock.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("file locking is not supported on " + runtime.GOOS)
}

func unlockFile(*os.File) error { return nil }

func replaceFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func syncDir(string) error { return nil }
