package credential

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/vault"
)

const (
	testClientID = "partnerdesk-test"
	testSecret   = oauth.ClientSecret("cs-Lw3Kp9Qz7Xv2Mn5Bt8Rj4Hd6Fg1Ys0Ua")
	firstAccess  = "at-0-Jr5Tn8Vb2Cx6QaYh"
	firstRefresh = "rt-0-Pq7Ws3Zx9Lm2KdTe"
)

// tokenServer is a real token endpoint on 127.0.0.1 that renews the way
// Zapier does: HTTP Basic client authentication, 10-hour access tokens and
// rotating refresh tokens (the old one stops working at once). It counts
// the refresh requests it gets.
type tokenServer struct {
	*httptest.Server

	mu       sync.Mutex
	refresh  string // the one refresh token that works now
	renewals int    // refresh requests received
	issued   int

	// hold, when not nil, runs at each refresh request before it is
	// answered, with the request's number (1 for the first).
	hold func(n int)
	// refuse makes every refresh answer invalid_grant.
	refuse bool
}

func newTokenServer(t testing.TB) *tokenServer {
	t.Helper()
	s := &tokenServer{refresh: firstRefresh}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *tokenServer) endpoint() oauth.TokenEndpoint {
	return oauth.TokenEndpoint{URL: s.URL + "/oauth/token/", ClientID: testClientID}
}

func (s *tokenServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.renewals
}

func answerError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != testClientID || secret != string(testSecret) {
		answerError(w, 401, "invalid_client")
		return
	}
	r.ParseForm()
	if r.PostForm.Get("grant_type") != "refresh_token" {
		answerError(w, 400, "unsupported_grant_type")
		return
	}
	s.mu.Lock()
	s.renewals++
	n, hold := s.renewals, s.hold
	s.mu.Unlock()
	if hold != nil {
		hold(n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse || r.PostForm.Get("refresh_token") != s.refresh {
		answerError(w, 400, "invalid_grant")
		return
	}
	s.issued++
	s.refresh = fmt.Sprintf("rt-%d-Pq7Ws3Zx9Lm2KdTe", s.issued)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token":  fmt.Sprintf("at-%d-Jr5Tn8Vb2Cx6QaYh", s.issued),
		"token_type":    "Bearer",
		"expires_in":    36000,
		"refresh_token": s.refresh,
		"scope":         "zap profile",
	})
}

// memoryExpiries keeps expiries in memory, for tests in one process.
type memoryExpiries struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (e *memoryExpiries) Expiry(id string) (time.Time, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[id], nil
}

func (e *memoryExpiries) SetExpiry(id string, t time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]time.Time{}
	}
	e.m[id] = t
	return nil
}

// memoryStore is a Store over the vault's memory-only session (the real
// code the app uses when the operator chooses no keychain).
func memoryStore() *Store {
	s := &vault.Session{}
	s.KeepInMemory()
	return &Store{Keychain: s, Expiries: &memoryExpiries{}}
}

// signedIn stores a code-grant credential expiring at expiry, and the
// client secret.
func signedIn(t testing.TB, store *Store, id string, expiry time.Time) {
	t.Helper()
	ctx := context.Background()
	c := Credential{Grant: oauth.GrantCode, AccessToken: firstAccess, RefreshToken: firstRefresh, Expiry: expiry}
	if err := store.Save(ctx, id, c); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveClientSecret(ctx, id, testSecret); err != nil {
		t.Fatal(err)
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
