package filelock

import (
	"os"
	"path/filepath"
	"testing"
)

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Two opens of one file in one process exclude each other, and the second
// gets the lock once the first lets it go: the profiles file and the
// renewals rely on both.
func TestTwoOpensOfOneFileExcludeEachOther(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	first, second := open(t, path), open(t, path)
	if ok, err := TryLock(first); !ok || err != nil {
		t.Fatalf("first TryLock: %v, %v", ok, err)
	}
	if ok, err := TryLock(second); ok || err != nil {
		t.Fatalf("second TryLock while the first holds it: %v, %v; want false, nil", ok, err)
	}
	if err := Unlock(first); err != nil {
		t.Fatal(err)
	}
	if ok, err := TryLock(second); !ok || err != nil {
		t.Fatalf("second TryLock after Unlock: %v, %v", ok, err)
	}
}

// Closing the file drops its lock, as when a process dies holding it.
func TestClosingTheFileDropsTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	first, second := open(t, path), open(t, path)
	if ok, err := TryLock(first); !ok || err != nil {
		t.Fatalf("first TryLock: %v, %v", ok, err)
	}
	first.Close()
	if ok, err := TryLock(second); !ok || err != nil {
		t.Fatalf("TryLock after the holder closed: %v, %v", ok, err)
	}
}
