package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// refreshPrefix starts every sandbox refresh token, as tokenPrefix starts
// every access token.
const refreshPrefix = "sbr_"

// refreshClaims is what a refresh token carries. Like an access token it is
//
//	"sbr_" + base64url(JSON claims) + "." + base64url(HMAC-SHA256(claims part))
//
// signed with a key of its own, so it outlives a restart. Whether it may
// still be used is not in the token: each exchanged code starts a chain of
// refresh tokens, each refresh replaces the chain's token with the next one,
// and only the chain's latest token works (see refreshChains).
type refreshClaims struct {
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
	User     int64    `json:"user"`
	Chain    string   `json:"chain"`
	N        int64    `json:"n"` // the token's place in its chain: 1 for the one given for the code
	Issued   int64    `json:"iat"`
}

// Why a refresh token was refused; each is an invalid_grant.
var (
	errRefreshMalformed = errors.New("the refresh token is malformed")
	errRefreshSignature = errors.New("the refresh token was not issued by this sandbox")
	errRefreshUnknown   = errors.New("the refresh token is not known to this sandbox")
	errRefreshRevoked   = errors.New("the refresh token was revoked because its authorization code was used twice")
	errRefreshReplaced  = errors.New("the refresh token was already used: each refresh returns a new refresh token and the old one stops working")
)

// issueRefreshToken signs refresh token number n of chain.
func (s *Server) issueRefreshToken(clientID string, scopes []string, chain string, n int64) (string, error) {
	c := refreshClaims{
		ClientID: clientID,
		Scopes:   scopes,
		User:     s.data.user.ID,
		Chain:    chain,
		N:        n,
		Issued:   s.now().Unix(),
	}
	if c.Scopes == nil {
		c.Scopes = []string{}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	body := refreshPrefix + b64.EncodeToString(payload)
	return body + "." + b64.EncodeToString(s.signRefresh(body)), nil
}

// verifyRefreshToken checks the signature of token and returns its claims.
// Whether the token is still its chain's latest is refreshChains' question.
func (s *Server) verifyRefreshToken(token string) (refreshClaims, error) {
	var c refreshClaims
	body, sig, ok := strings.Cut(token, ".")
	if !ok || !strings.HasPrefix(body, refreshPrefix) {
		return c, errRefreshMalformed
	}
	mac, err := b64.DecodeString(sig)
	if err != nil {
		return c, errRefreshMalformed
	}
	if !hmac.Equal(mac, s.signRefresh(body)) {
		return c, errRefreshSignature
	}
	payload, err := b64.DecodeString(body[len(refreshPrefix):])
	if err != nil {
		return c, errRefreshMalformed
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.ClientID == "" || c.Chain == "" || c.N < 1 {
		return refreshClaims{}, errRefreshMalformed
	}
	return c, nil
}

func (s *Server) signRefresh(body string) []byte {
	m := hmac.New(sha256.New, s.refreshKey)
	m.Write([]byte(body))
	return m.Sum(nil)
}

// newChainID names a new chain of refresh tokens.
func newChainID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return b64.EncodeToString(b), nil
}

// revokedChain is the counter of a revoked chain: no refresh token of it
// works, nor any access token issued from it.
const revokedChain = 0

// refreshChains remembers, for each chain of refresh tokens, the place of
// its latest token, so that a replaced refresh token is refused after a
// restart too. It keeps one small file per chain in a folder beside the
// key: its name is an HMAC of the chain's id, its content the counter. No
// token is written; the file names cannot be turned back into chain ids.
//
// One file per chain, replaced at once, means two sandboxes of one
// installation (the app's and a command's) never undo each other's
// refreshes of different chains. Two refreshes of the same chain are
// serialised within a process; across processes they would have to reach
// two sandboxes at two addresses with one refresh token at the same moment,
// which no profile does (it has one token URL).
type refreshChains struct {
	mu  sync.Mutex
	dir string
	key []byte
}

// chainsDir is the folder of chain counters of the sandbox whose key is keyFile.
func chainsDir(keyFile string) string {
	return strings.TrimSuffix(keyFile, ".key") + "-refresh"
}

// path is the file of chain.
func (rc *refreshChains) path(chain string) string {
	m := hmac.New(sha256.New, rc.key)
	m.Write([]byte(chain))
	return filepath.Join(rc.dir, b64.EncodeToString(m.Sum(nil)))
}

// read returns chain's counter; known is false when the sandbox has no
// record of the chain.
func (rc *refreshChains) read(chain string) (n int64, known bool, err error) {
	b, err := os.ReadFile(rc.path(chain))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	n, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("sandbox: refresh chain file %s is damaged", rc.path(chain))
	}
	return n, true, nil
}

// start records a new chain whose latest refresh token is number 1. It
// fails when the chain is already recorded: revoked, because its code was
// used twice while the first use was being answered.
func (rc *refreshChains) start(chain string) error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	_, known, err := rc.read(chain)
	switch {
	case err != nil:
		return err
	case known:
		return errRefreshRevoked
	}
	return rc.write(chain, 1)
}

// advance replaces refresh token number n of chain with number n+1, and
// fails with errRefreshReplaced when n is not the chain's latest.
func (rc *refreshChains) advance(chain string, n int64) error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	latest, known, err := rc.read(chain)
	switch {
	case err != nil:
		return err
	case !known:
		return errRefreshUnknown
	case latest == revokedChain:
		return errRefreshRevoked
	case latest != n:
		return errRefreshReplaced
	}
	return rc.write(chain, n+1)
}

// revoke makes every token of chain, refresh and access, stop working.
func (rc *refreshChains) revoke(chain string) error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.write(chain, revokedChain)
}

// revoked tells whether chain was revoked. A chain with no record (its file
// was deleted) is not: its access tokens live on, as implicit ones do.
func (rc *refreshChains) revoked(chain string) bool {
	n, known, err := rc.read(chain)
	return err != nil || known && n == revokedChain
}

// write replaces chain's file at once (temp file, rename), mode 0600.
func (rc *refreshChains) write(chain string, n int64) error {
	if err := os.MkdirAll(rc.dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(rc.dir, ".chain-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(strconv.FormatInt(n, 10)); err != nil {
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
	return os.Rename(tmp.Name(), rc.path(chain))
}
