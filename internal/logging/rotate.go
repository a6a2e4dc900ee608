package logging

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// maxRecord caps one record in the file: a runaway value cannot fill the
// log in one line.
const maxRecord = 64 << 10

// rotatingFile appends to path and, when a write would take it past
// maxSize, renames it to path.1 (path.1 to path.2, ..., dropping the
// oldest) so that at most maxFiles files exist. Files are created 0600.
//
// Several processes (the app, the command line, a sandbox) may append to the
// same file: each write is one append, and a process notices that another
// one rotated the file (the path no longer names the file it holds open)
// and reopens it. Two processes rotating at the same moment can leave one
// short file in the rotation; nothing is lost beyond maxFiles.
type rotatingFile struct {
	mu       sync.Mutex
	path     string
	maxSize  int64
	maxFiles int
	f        *os.File
}

func (r *rotatingFile) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) > maxRecord {
		p = append(append([]byte{}, p[:maxRecord-len(" …[cut]\n")]...), " …[cut]\n"...)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.ensureOpen(); err != nil {
		return 0, err
	}
	if st, err := r.f.Stat(); err == nil && st.Size() > 0 && st.Size()+int64(len(p)) > r.maxSize {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	if _, err := r.f.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// ensureOpen opens path, or reopens it when another process rotated or
// removed the file this one holds.
func (r *rotatingFile) ensureOpen() error {
	if r.f != nil {
		held, err1 := r.f.Stat()
		named, err2 := os.Stat(r.path)
		if err1 == nil && err2 == nil && os.SameFile(held, named) {
			return nil
		}
		r.f.Close()
		r.f = nil
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	// A file left by an older version or another tool may be readable by
	// others: it is ours, so make it owner-only.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	r.f = f
	return nil
}

func (r *rotatingFile) rotate() error {
	r.f.Close()
	r.f = nil
	for i := r.maxFiles - 1; i >= 1; i-- {
		src := r.path
		if i > 1 {
			src = fmt.Sprintf("%s.%d", r.path, i-1)
		}
		dst := fmt.Sprintf("%s.%d", r.path, i)
		if err := os.Rename(src, dst); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if r.maxFiles <= 1 {
		if err := os.Remove(r.path); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return r.ensureOpen()
}

func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// openDir creates dir owner-only (0700) and tightens it if it exists.
func openDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(filepath.Clean(dir), 0o700)
}
