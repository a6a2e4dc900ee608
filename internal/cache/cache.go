// Package cache keeps the last result of each API resource per profile, so
// that the app can show it with "as of <time>" when Zapier cannot be
// reached.
//
// A result is one file, $XDG_CACHE_HOME/partnerdesk/<profile-id>/<key>.json
// (mode 0600, directory 0700), replaced atomically. It holds the items the
// API sent and when they were fetched: never a token or any other
// credential, and nothing the caller did not pass in. Deleting a profile's
// directory (profile remove does) forgets everything cached for it.
//
// What it deliberately does not do: expire entries (an old result is still
// better than none when offline; the caller shows its age), merge partial
// results, or lock across processes (the last writer wins, and every write
// is a whole file).
package cache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"partnerdesk/internal/paths"
)

// ErrNotCached means nothing is cached for that profile and resource.
var ErrNotCached = errors.New("nothing cached")

// Entry is one cached result.
type Entry struct {
	Resource  string            `json:"resource"`         // such as "v1/zaps"
	Params    map[string]string `json:"params,omitempty"` // the query it was fetched with, such as app=...
	FetchedAt time.Time         `json:"fetched_at"`
	Complete  bool              `json:"complete"` // every page, not only the first
	Total     int               `json:"total"`    // what the API said the list holds; -1 unknown
	Items     []json.RawMessage `json:"items"`
}

// Dir is where a profile's results are kept.
func Dir(profileID string) string {
	return paths.ProfileCache(profileID)
}

// path is the file of one result. The key is the resource id with its
// slashes turned to dashes, plus a short hash of the parameters when there
// are any, so that each app's actions are kept apart.
func path(profileID, resource string, params map[string]string) (string, error) {
	if !safeName(profileID) || resource == "" {
		return "", fmt.Errorf("cache: the profile id %q or resource %q cannot name a file", profileID, resource)
	}
	key := strings.NewReplacer("/", "-", "\\", "-", ".", "-").Replace(strings.Trim(resource, "/"))
	if len(params) > 0 {
		q := url.Values{}
		for k, v := range params {
			q.Set(k, v)
		}
		sum := sha256.Sum256([]byte(q.Encode()))
		key += "@" + hex.EncodeToString(sum[:6])
	}
	if !safeName(key) {
		return "", fmt.Errorf("cache: the resource %q cannot name a file", resource)
	}
	return filepath.Join(Dir(profileID), key+".json"), nil
}

// safeName accepts letters, digits and - _ @ only.
func safeName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '@') {
			return false
		}
	}
	return true
}

// Save replaces the cached result of e.Resource (with e.Params) for a
// profile. The items are written one after the other as they are, not
// marshalled into one buffer first: a list of 10,000 is written without a
// second copy of it in memory.
func Save(profileID string, e Entry) error {
	p, err := path(profileID, e.Resource, e.Params)
	if err != nil {
		return err
	}
	for i, it := range e.Items {
		if !json.Valid(it) {
			return fmt.Errorf("cache %s: item %d is not JSON", e.Resource, i)
		}
	}
	items := e.Items
	e.Items = []json.RawMessage{}
	head, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	// Items is Entry's last field: head ends in "items":[]}, and the
	// items go between the brackets.
	if !bytes.HasSuffix(head, []byte(`"items":[]}`)) {
		return fmt.Errorf("cache: Entry's items are not its last field")
	}
	head = head[:len(head)-2]
	write := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		bw.Write(head)
		for i, it := range items {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.Write(it)
		}
		bw.WriteString("]}")
		return bw.Flush()
	}
	if err := writeAtomic(p, write); err != nil {
		return fmt.Errorf("cache %s: %w", e.Resource, err)
	}
	return nil
}

// Load returns the cached result of resource (with params) for a profile,
// or an error wrapping ErrNotCached.
func Load(profileID, resource string, params map[string]string) (Entry, error) {
	p, err := path(profileID, resource, params)
	if err != nil {
		return Entry{}, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, fmt.Errorf("%w: %s", ErrNotCached, resource)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("cache %s: %w", resource, err)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil || e.Resource != resource {
		// A damaged or foreign file is as good as none; the next Save replaces it.
		return Entry{}, fmt.Errorf("%w: %s (the cached file could not be read)", ErrNotCached, resource)
	}
	return e, nil
}

// Remove forgets everything cached for a profile.
func Remove(profileID string) error {
	if !safeName(profileID) {
		return fmt.Errorf("cache: the profile id %q cannot name a directory", profileID)
	}
	return os.RemoveAll(Dir(profileID))
}

// writeAtomic writes to path through a temp file in the same
// directory: fsync, then rename, so that a reader sees the old file or the
// new one, never half of one.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
