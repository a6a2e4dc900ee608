package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// consents remembers until when the operator holds a live token for a
// client and a set of scopes, so that approval_prompt=auto skips the
// consent page as Zapier's does. The file beside the key holds, per client
// and set of scopes, an HMAC of the two and the expiry of the latest token:
// never a token. Tokens outlive a restart, so the memory does too.
//
// Two sandboxes of one installation (the app's and a command's) share the
// file; when both write at the same moment one entry may be lost, which
// only means one more consent page.
type consents struct {
	mu   sync.Mutex
	path string
	key  []byte
}

// consentFile is the file's content.
type consentFile struct {
	// LiveUntil maps HMAC(client_id, sorted scopes) to the Unix time the
	// latest token issued for them expires.
	LiveUntil map[string]int64 `json:"live_until"`
}

// consentPath is the consent file of the sandbox whose key is keyFile.
func consentPath(keyFile string) string {
	return strings.TrimSuffix(keyFile, ".key") + "-consent.json"
}

// id names a client and a set of scopes, whatever their order.
func (c *consents) id(clientID string, scopes []string) string {
	m := hmac.New(sha256.New, c.key)
	fmt.Fprintf(m, "%d:%s;", len(clientID), clientID)
	for _, sc := range slices.Sorted(slices.Values(scopes)) {
		fmt.Fprintf(m, "%d:%s;", len(sc), sc)
	}
	return b64.EncodeToString(m.Sum(nil))
}

// live tells whether a token issued for clientID with exactly these scopes
// is still unexpired at now.
func (c *consents) live(clientID string, scopes []string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.read().LiveUntil[c.id(clientID, scopes)]
	return ok && now.Before(time.Unix(until, 0))
}

// record notes a token issued for clientID and scopes that expires at
// expires, and forgets the entries that have expired by now.
func (c *consents) record(clientID string, scopes []string, expires, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.read()
	for id, until := range f.LiveUntil {
		if !now.Before(time.Unix(until, 0)) {
			delete(f.LiveUntil, id)
		}
	}
	id := c.id(clientID, scopes)
	f.LiveUntil[id] = max(f.LiveUntil[id], expires.Unix())
	return c.write(f)
}

// read returns the file's content; a missing or unreadable file is empty:
// the operator is asked again, never let through by mistake.
func (c *consents) read() consentFile {
	var f consentFile
	if b, err := os.ReadFile(c.path); err == nil {
		json.Unmarshal(b, &f)
	}
	if f.LiveUntil == nil {
		f.LiveUntil = map[string]int64{}
	}
	return f
}

// write replaces the file at once (temp file, rename), mode 0600.
func (c *consents) write(f consentFile) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".sandbox-consent-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path)
}
