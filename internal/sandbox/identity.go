package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The app reuses a sandbox it finds at LocalAddr only when that sandbox
// proves it belongs to this installation: it knows the installation's
// sandbox key (the key file, 256 random bits, 0600). A response header, or
// anything else a server can copy, would let any local program pose as the
// sandbox and receive the operator's sign-in and token.
//
// The proof is a challenge and answer: the app sends 32 fresh random bytes;
// the sandbox answers HMAC(identity key, the address it was reached on, the
// challenge). The key never crosses the socket. The address is in the
// answer so that a program at LocalAddr cannot pass a challenge on to this
// installation's sandbox running on another port and relay its answer.

// proofPath is where a sandbox answers the identity challenge.
const proofPath = "/partnerdesk-sandbox/proof"

// challengeSize is the length in bytes of an identity challenge.
const challengeSize = 32

// identityPurpose separates the identity key from the key's other uses.
const identityPurpose = "partnerdesk sandbox identity v1"

// serveProof answers GET /partnerdesk-sandbox/proof?challenge=...
func (s *Server) serveProof(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	challenge, err := b64.DecodeString(r.URL.Query().Get("challenge"))
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if err != nil || len(challenge) != challengeSize || !ok {
		http.Error(w, "a challenge of 32 bytes, base64url without padding, is needed", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, b64.EncodeToString(proof(s.identityKey, local.String(), challenge)))
}

// proof is the answer to challenge from the sandbox reached at addr.
func proof(identityKey []byte, addr string, challenge []byte) []byte {
	m := hmac.New(sha256.New, identityKey)
	fmt.Fprintf(m, "%d:%s;", len(addr), addr)
	m.Write(challenge)
	return m.Sum(nil)
}

// proves tells whether the server at addr (host:port, loopback) is a
// sandbox that knows identityKey: the one this installation runs.
func proves(addr string, identityKey []byte) bool {
	challenge := make([]byte, challengeSize)
	if _, err := rand.Read(challenge); err != nil {
		return false
	}
	client := http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{Proxy: nil}, // straight to the address, never through a proxy
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://" + addr + proofPath + "?challenge=" + url.QueryEscape(b64.EncodeToString(challenge)))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil || resp.StatusCode != http.StatusOK {
		return false
	}
	got, err := b64.DecodeString(strings.TrimSpace(string(body)))
	return err == nil && hmac.Equal(got, proof(identityKey, addr, challenge))
}
