package profiles

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// errorSharingViolation is ERROR_SHARING_VIOLATION, which the syscall
// package does not name.
const errorSharingViolation syscall.Errno = 32

// replaceFile renames over newpath, retrying for a moment: a reader that has
// newpath open (os.Open does not share delete access) makes the rename fail
// with access denied or a sharing violation until it closes the file.
func replaceFile(oldpath, newpath string) error {
	deadline := time.Now().Add(2 * time.Second)
	for {
		err := os.Rename(oldpath, newpath)
		if err == nil || time.Now().After(deadline) ||
			!(errors.Is(err, syscall.ERROR_ACCESS_DENIED) || errors.Is(err, errorSharingViolation)) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncDir does nothing on Windows: a directory cannot be flushed through a
// read-only handle, and NTFS journals the rename.
func syncDir(string) error { return nil }
