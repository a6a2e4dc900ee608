package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// tokenPrefix starts every sandbox access token, so one is easy to recognise
// (and to redact) wherever it turns up.
const tokenPrefix = "sbx_"

// claims is what a token carries. A token is
//
//	"sbx_" + base64url(JSON claims) + "." + base64url(HMAC-SHA256(claims part))
//
// so any sandbox holding the same key can verify it, after a restart too.
type claims struct {
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
	User     int64    `json:"user"`
	Issued   int64    `json:"iat"`
	Expires  int64    `json:"exp"`
	Nonce    string   `json:"nonce"`
	// Chain is the refresh-token chain a code-grant token belongs to (see
	// refreshChains), so that revoking the chain refuses the token too;
	// "" for an implicit-grant token.
	Chain string `json:"chain,omitempty"`
}

// Why a token was refused.
var (
	errTokenMalformed = errors.New("the access token is malformed")
	errTokenSignature = errors.New("the access token was not issued by this sandbox")
	errTokenExpired   = errors.New("the access token has expired")
)

var b64 = base64.RawURLEncoding

// issueToken signs a new token for client with the granted scopes, as part
// of chain ("" for the implicit grant), and returns it with its expiry.
func (s *Server) issueToken(clientID string, scopes []string, chain string) (string, time.Time, error) {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	c := claims{
		ClientID: clientID,
		Scopes:   scopes,
		User:     s.data.user.ID,
		Issued:   now.Unix(),
		Expires:  now.Add(s.expiresIn).Unix(),
		Nonce:    b64.EncodeToString(nonce),
		Chain:    chain,
	}
	if c.Scopes == nil {
		c.Scopes = []string{}
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", time.Time{}, err
	}
	body := tokenPrefix + b64.EncodeToString(payload)
	return body + "." + b64.EncodeToString(s.sign(body)), time.Unix(c.Expires, 0), nil
}

// verifyToken checks the signature and expiry of token and returns its claims.
func (s *Server) verifyToken(token string) (claims, error) {
	var c claims
	body, sig, ok := strings.Cut(token, ".")
	if !ok || !strings.HasPrefix(body, tokenPrefix) {
		return c, errTokenMalformed
	}
	mac, err := b64.DecodeString(sig)
	if err != nil {
		return c, errTokenMalformed
	}
	if !hmac.Equal(mac, s.sign(body)) {
		return c, errTokenSignature
	}
	payload, err := b64.DecodeString(body[len(tokenPrefix):])
	if err != nil {
		return c, errTokenMalformed
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.ClientID == "" {
		return claims{}, errTokenMalformed
	}
	if !s.now().Before(time.Unix(c.Expires, 0)) {
		return c, errTokenExpired
	}
	return c, nil
}

func (s *Server) sign(body string) []byte {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte(body))
	return m.Sum(nil)
}

// hasScope reports whether the token was granted one of the scopes.
func (c claims) hasScope(anyOf ...string) bool {
	for _, have := range c.Scopes {
		for _, want := range anyOf {
			if have == want {
				return true
			}
		}
	}
	return false
}
