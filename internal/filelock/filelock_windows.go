package filelock

import (
	"errors"
	"os"
	"syscall"
	"unsafe"
)

// LockFileEx and UnlockFileEx come from kernel32 directly: the standard
// library's syscall package has no wrapper, and golang.org/x/sys is not a
// direct dependency. kernel32.dll is a KnownDLL, so loading it by name is
// safe. This is the same call the Go toolchain uses for its own lock files.
var (
	kernel32         = syscall.NewLazyDLL("kernel32.dll")
	procLockFileEx   = kernel32.NewProc("LockFileEx")
	procUnlockFileEx = kernel32.NewProc("UnlockFileEx")
)

const (
	lockfileFailImmediately = 0x00000001
	lockfileExclusiveLock   = 0x00000002

	allBytes = uintptr(^uint32(0))

	errorLockViolation syscall.Errno = 33
)

// TryLock takes an exclusive lock on all of f without waiting: false when
// another handle holds it. Windows drops the lock when the handle is closed
// or the process ends.
func TryLock(f *os.File) (bool, error) {
	var ol syscall.Overlapped
	r, _, err := procLockFileEx.Call(f.Fd(),
		lockfileExclusiveLock|lockfileFailImmediately, 0,
		allBytes, allBytes, // the whole range: low and high 32 bits of the length
		uintptr(unsafe.Pointer(&ol)))
	if r != 0 {
		return true, nil
	}
	if errors.Is(err, errorLockViolation) || errors.Is(err, syscall.ERROR_IO_PENDING) {
		return false, nil
	}
	return false, err
}

// Unlock releases the lock TryLock took on f.
func Unlock(f *os.File) error {
	var ol syscall.Overlapped
	r, _, err := procUnlockFileEx.Call(f.Fd(), 0,
		allBytes, allBytes,
		uintptr(unsafe.Pointer(&ol)))
	if r == 0 {
		return err
	}
	return nil
}
