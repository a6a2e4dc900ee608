package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"partnerdesk/internal/filelock"
	"partnerdesk/internal/paths"
)

// ErrNewerSchema means profiles.json was written by a newer Partnerdesk. The
// file is left exactly as it is: Load returns no File and Update refuses to
// write.
var ErrNewerSchema = errors.New("the profiles file was written by a newer version of Partnerdesk; update Partnerdesk to use it")

// ErrLockTimeout means another process held the profiles lock for longer than
// Update waits (lockWait). Writers hold it for milliseconds, so this points
// at a stuck process.
var ErrLockTimeout = errors.New("the profiles file is locked by another Partnerdesk process")

// CorruptError reports a profiles file that could not be read and was moved
// aside. It is a notice, not a failure: Load returns an empty File with it,
// and Update applies its change to an empty File, saves it, and then returns
// it. Callers tell the operator and carry on.
type CorruptError struct {
	Path    string // the profiles file
	MovedTo string // where its content now is
	Err     error  // what was wrong with it
}

// Error says, in operator words, where the unreadable file was moved.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("Your profiles file could not be read and was set aside as %s; the app starts with no profiles", e.MovedTo)
}

// Unwrap returns what was wrong with the file.
func (e *CorruptError) Unwrap() error { return e.Err }

// removeStaleTemps deletes temp files a writer killed mid-save left behind.
// It runs under the lock: no live writer can own one.
func removeStaleTemps(path string) {
	stale, _ := filepath.Glob(path + ".tmp-*")
	for _, name := range stale {
		os.Remove(name)
	}
}

// Saved reads what Update returned: a *CorruptError alone means the change
// was saved after the damaged file was set aside, and notice says so for the
// operator; any other error is a failure.
func Saved(err error) (notice string, failure error) {
	if corrupt, ok := err.(*CorruptError); ok {
		return corrupt.Error(), nil
	}
	return "", err
}

// Store reads and writes one profiles file.
type Store struct {
	// Path is the file; "" means DefaultPath, looked up at each call.
	Path string
}

// NewStore returns a Store for the default path.
func NewStore() *Store { return &Store{} }

// DefaultPath returns $XDG_CONFIG_HOME/partnerdesk/profiles.json, from the
// xdg package's current ConfigHome (internal/paths; tests set
// XDG_CONFIG_HOME and call xdg.Reload).
func DefaultPath() (string, error) {
	dir := paths.Config()
	if dir == "" {
		return "", errors.New("profiles: no config directory (XDG_CONFIG_HOME and the home directory are unknown)")
	}
	return filepath.Join(dir, "profiles.json"), nil
}

func (s *Store) path() (string, error) {
	if s.Path != "" {
		return s.Path, nil
	}
	return DefaultPath()
}

// Load reads the file without taking the lock (writes are atomic renames, so
// it sees a whole old or a whole new file).
//
// A missing file, or one that is empty or only white space, is an empty File
// and no error: there is nothing in it to keep. A file with a schema version
// above SchemaVersion returns an error wrapping ErrNewerSchema and no File.
// Any other file this version would not have written (bad or truncated JSON,
// missing version, a profile missing a required field, duplicate names) is
// corrupt: under the lock it is renamed to profiles.json.corrupt-<UTC time>,
// and Load returns an empty File and a *CorruptError.
func (s *Store) Load() (*File, error) {
	path, err := s.path()
	if err != nil {
		return nil, err
	}
	f, err := read(path)
	var bad *badFileError
	if !errors.As(err, &bad) {
		return f, err
	}
	// Corrupt: set it aside under the lock, after reading it again in case
	// another process replaced it meanwhile.
	unlock, err := lock(path + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	return loadLocked(path)
}

// Update does a locked read-modify-write. It creates the config directory
// (0700) if needed, takes an exclusive lock on profiles.json.lock, loads the
// file as Load does, and calls fn. If fn returns nil and the result is valid
// (every profile has an ID, Name, ClientID and RedirectURI; names and IDs are
// unique), it writes the file atomically: a 0600 temp file in the same
// directory, fsync, rename over profiles.json, fsync of the directory. Times
// are written in UTC, to the second.
//
// fn's error is returned as it is, and nothing is written. fn runs under the
// lock, so it must not wait on anything (network, keychain, the operator).
// If the file was corrupt, it is set aside, fn gets an empty File, and after
// a successful write Update returns the *CorruptError as a notice.
func (s *Store) Update(fn func(*File) error) error {
	path, err := s.path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create profiles directory: %w", err)
	}
	unlock, err := lock(path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	removeStaleTemps(path)

	f, err := loadLocked(path)
	var corrupt *CorruptError
	if err != nil && !errors.As(err, &corrupt) {
		return err
	}
	if err := fn(f); err != nil {
		if corrupt != nil {
			return fmt.Errorf("%w (also: %s)", err, corrupt.Error())
		}
		return err
	}
	if err := write(path, f); err != nil {
		if corrupt != nil {
			return fmt.Errorf("%w (also: %s)", err, corrupt.Error())
		}
		return err
	}
	if corrupt != nil {
		return corrupt
	}
	return nil
}

// badFileError marks content that is not a profiles file this version wrote.
type badFileError struct{ err error }

func (e *badFileError) Error() string { return e.err.Error() }
func (e *badFileError) Unwrap() error { return e.err }

// read returns the file's content; a missing or blank file is an empty File.
// Corrupt content is a *badFileError.
func read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Version: SchemaVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &File{Version: SchemaVersion}, nil
	}
	return decode(path, data)
}

func decode(path string, data []byte) (*File, error) {
	// Read the version first: a newer schema may not fit today's types.
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, &badFileError{err}
	}
	switch {
	case head.Version == nil:
		return nil, &badFileError{errors.New("no schema version")}
	case *head.Version > SchemaVersion:
		return nil, fmt.Errorf("%w (%s has schema version %d; this version reads up to %d)",
			ErrNewerSchema, path, *head.Version, SchemaVersion)
	case *head.Version < 1:
		return nil, &badFileError{fmt.Errorf("schema version %d", *head.Version)}
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &badFileError{err}
	}
	if err := f.validate(); err != nil {
		return nil, &badFileError{err}
	}
	return &f, nil
}

// loadLocked is Load for a caller holding the lock: a corrupt file is set
// aside at once.
func loadLocked(path string) (*File, error) {
	f, err := read(path)
	var bad *badFileError
	if !errors.As(err, &bad) {
		return f, err
	}
	movedTo, err := setAside(path)
	if err != nil {
		return nil, fmt.Errorf("the profiles file %s cannot be read (%v) and could not be set aside: %w", path, bad.err, err)
	}
	return &File{Version: SchemaVersion}, &CorruptError{Path: path, MovedTo: movedTo, Err: bad.err}
}

// setAside renames path to path.corrupt-<UTC time>, never over an earlier one.
// The caller holds the lock, so no other Partnerdesk picks the same name.
func setAside(path string) (string, error) {
	base := path + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	for n := 1; ; n++ {
		dst := base
		if n > 1 {
			dst = fmt.Sprintf("%s-%d", base, n)
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if err := renameFile(path, dst); err != nil {
			return "", err
		}
		return dst, nil
	}
}

// renameFile is replaceFile, swapped in tests to make a write fail late.
var renameFile = replaceFile

// write validates f and replaces path with it atomically.
func write(path string, f *File) error {
	f.normalizeGrants()
	f.Version = f.formatVersion()
	if f.Profiles == nil {
		f.Profiles = []Profile{} // "profiles": [] rather than null
	}
	if err := f.validate(); err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	f.normalizeTimes()
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	data = append(data, '\n')

	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	if err := renameFile(tmp.Name(), path); err != nil {
		return fmt.Errorf("save profiles: %w", err)
	}
	done = true
	// Best effort: the new file is in place; a failed directory fsync only
	// weakens durability across a power cut, so it does not fail the save.
	_ = syncDir(dir)
	return nil
}

// lockWait is how long lock waits for another process to release the lock.
var lockWait = 10 * time.Second

// lock takes the exclusive lock on the lock file at path (created 0600 and
// never removed: removing it would let two processes lock different files).
// It polls, so that a stuck holder gives ErrLockTimeout instead of a hang.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open profiles lock: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	backoff := time.Millisecond
	for {
		ok, err := filelock.TryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock profiles: %w", err)
		}
		if ok {
			return func() {
				filelock.Unlock(f)
				f.Close()
			}, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w (waited %s for %s)", ErrLockTimeout, lockWait, path)
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, 50*time.Millisecond)
	}
}
