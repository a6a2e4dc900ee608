package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "partnerdesk-test"
	testClientSecret = ClientSecret("cs-Lw3Kp9Qz7Xv2Mn5Bt8Rj4Hd6Fg1Ys0Ua")
	testRefresh      = "rt-Vb7Nc2Xm9Lk4Jh6Gf3Ds8Aq1Wz5Ep0Ro"
)

// tokenServer is a real code-grant token endpoint on 127.0.0.1 that checks
// what a client sends the way Zapier does (HTTP Basic client
// authentication), PKCE (S256) and rotating refresh tokens, and counts the
// requests it gets.
type tokenServer struct {
	*httptest.Server
	requests atomic.Int32

	mu         sync.Mutex
	challenges map[string]string // code -> S256 challenge from the authorize URL
	refresh    string            // the one refresh token that works now
	n          int

	// reply, when set, answers instead of the checks above.
	reply func(w http.ResponseWriter, r *http.Request) bool
}

func newTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	s := &tokenServer{challenges: map[string]string{}, refresh: testRefresh}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *tokenServer) endpoint() TokenEndpoint {
	return TokenEndpoint{URL: s.URL + "/oauth/token/", ClientID: testClientID, ClientSecret: testClientSecret}
}

// authorize plays the provider's authorize page: it remembers the
// challenge for a new code and returns the redirect it would send.
func (s *tokenServer) authorize(t *testing.T, authorizeURL string) string {
	t.Helper()
	u, err := url.Parse(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	code := fmt.Sprintf("code-%d-Hx8Kq2Lm", s.n)
	s.challenges[code] = q.Get("code_challenge")
	return q.Get("redirect_uri") + "?code=" + code + "&state=" + url.QueryEscape(q.Get("state"))
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.reply != nil && s.reply(w, r) {
		return
	}
	id, secret, ok := r.BasicAuth()
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.URL.Path != "/oauth/token/" {
		oauthError(w, 400, "invalid_request", "not a token request")
		return
	}
	if !ok || id != testClientID || secret != string(testClientSecret) || r.PostForm.Has("client_secret") {
		oauthError(w, 401, "invalid_client", "client authentication failed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := r.PostForm.Get("code")
		challenge, known := s.challenges[code]
		delete(s.challenges, code) // once
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !known || r.PostForm.Get("redirect_uri") != cb || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
			oauthError(w, 400, "invalid_grant", "code unknown, used, or verifier wrong")
			return
		}
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != s.refresh {
			oauthError(w, 400, "invalid_grant", "refresh token revoked")
			return
		}
	default:
		oauthError(w, 400, "unsupported_grant_type", "")
		return
	}
	s.n++
	s.refresh = fmt.Sprintf("rt-%d-Pq7Ws3Zx9Lm2Kd", s.n)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token":  fmt.Sprintf("at-%d-Jr5Tn8Vb2Cx6Qa", s.n),
		"token_type":    "Bearer",
		"expires_in":    36000,
		"refresh_token": s.refresh,
		"scope":         "zap profile",
	})
}

func codeRequest() Request {
	return Request{ClientID: testClientID, RedirectURI: cb, Scopes: []string{"zap profile"}}
}

func TestCodeFlowSignsInWithPKCEAndBasicAuth(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	flow, err := NewCodeFlow(codeRequest(), srv.endpoint())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(flow.AuthorizeURL())
	q := u.Query()
	for key, want := range map[string]string{"response_type": "code", "code_challenge_method": "S256", "client_id": testClientID} {
		if got := q.Get(key); got != want {
			t.Errorf("authorize URL %s = %q, want %q", key, got, want)
		}
	}
	if len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 43 {
		t.Errorf("authorize URL lacks a fresh challenge or state: %s", flow.AuthorizeURL())
	}
	if !strings.Contains(u.RawQuery, "scope=zap%20profile") {
		t.Errorf("scope spaces must be %%20: %s", u.RawQuery)
	}

	tok, err := flow.Finish(context.Background(), srv.authorize(t, flow.AuthorizeURL()))
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if !strings.HasPrefix(tok.AccessToken, "at-") || !strings.HasPrefix(tok.RefreshToken, "rt-") ||
		tok.ExpiresIn != 10*time.Hour || strings.Join(tok.Scopes, " ") != "zap profile" {
		t.Errorf("Finish gave %v", tok)
	}
}

func TestEachCodeFlowHasItsOwnStateAndVerifier(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	a, _ := NewCodeFlow(codeRequest(), srv.endpoint())
	b, _ := NewCodeFlow(codeRequest(), srv.endpoint())
	if a.verifier == b.verifier || a.state.String() == b.state.String() || a.AuthorizeURL() == b.AuthorizeURL() {
		t.Fatal("two attempts share a state or a PKCE verifier")
	}
	// The code b's page gave, finished with a's verifier, fails at the
	// token endpoint: a code caught by someone else is useless.
	redirect := srv.authorize(t, b.AuthorizeURL())
	a.state = testState(b.state.String())
	if _, err := a.Finish(context.Background(), redirect); !errors.Is(err, ErrGrantRefused) {
		t.Fatalf("a code finished with another verifier: err = %v, want ErrGrantRefused", err)
	}
}

func TestCodeFlowChecksTheStateBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		redirect func(good string) string
		want     error
	}{
		{"a wrong state is refused", func(string) string { return cb + "?code=abc&state=forged" }, ErrStateMismatch},
		{"a missing state is refused", func(string) string { return cb + "?code=abc" }, ErrStateMissing},
		{"an error in the query is the provider's", func(s string) string { return cb + "?error=access_denied&state=" + s }, ErrDeclined},
		{"an error in the fragment is the provider's", func(s string) string { return cb + "#error=access_denied&state=" + s }, ErrDeclined},
		{"a code after # is refused", func(s string) string { return cb + "#code=abc&state=" + s }, ErrMalformed},
		{"an access token in the reply is refused", func(s string) string { return cb + "?code=abc&access_token=" + secret + "&state=" + s }, ErrMalformed},
		{"a reply split between ? and # is refused", func(s string) string { return cb + "?code=abc#state=" + s }, ErrMalformed},
		{"a reply without a code says so", func(s string) string { return cb + "?state=" + s }, ErrNoCode},
		{"a code given twice is refused", func(s string) string { return cb + "?code=a&code=b&state=" + s }, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t)
			flow, err := NewCodeFlow(codeRequest(), srv.endpoint())
			if err != nil {
				t.Fatal(err)
			}
			_, err = flow.Finish(context.Background(), tt.redirect(url.QueryEscape(flow.state.String())))
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if n := srv.requests.Load(); n != 0 {
				t.Errorf("the token endpoint got %d requests for a reply that was refused", n)
			}
		})
	}
}

func TestCodeFlowAcceptsOneReplyOnly(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	flow, _ := NewCodeFlow(codeRequest(), srv.endpoint())
	redirect := srv.authorize(t, flow.AuthorizeURL())
	if _, err := flow.Finish(context.Background(), redirect); err != nil {
		t.Fatal(err)
	}
	if _, err := flow.Finish(context.Background(), redirect); !errors.Is(err, ErrStateUsed) {
		t.Fatalf("second reply: err = %v, want ErrStateUsed", err)
	}
	if n := srv.requests.Load(); n != 1 {
		t.Fatalf("token endpoint requests = %d, want 1", n)
	}
}

func TestCodeFlowWordsDeclineForTheCodeGrant(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	flow, _ := NewCodeFlow(codeRequest(), srv.endpoint())
	_, err := flow.Finish(context.Background(), cb+"?error=unauthorized_client&state="+url.QueryEscape(flow.state.String()))
	if err == nil || !strings.Contains(err.Error(), "client secret") || strings.Contains(err.Error(), "implicit") {
		t.Fatalf("err = %v, want advice about the client secret", err)
	}
}

func TestImplicitFlowIsParseRedirect(t *testing.T) {
	t.Parallel()
	flow, err := NewImplicitFlow(codeRequest())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(flow.AuthorizeURL())
	if u.Query().Get("response_type") != "token" || u.Query().Has("code_challenge") {
		t.Fatalf("implicit authorize URL changed: %s", flow.AuthorizeURL())
	}
	state := url.QueryEscape(flow.state.String())
	tok, err := flow.Finish(context.Background(), cb+"#access_token="+secret+"&token_type=Bearer&expires_in=36000&state="+state)
	if err != nil || tok.AccessToken != secret || tok.RefreshToken != "" {
		t.Fatalf("Finish = %v, %v", tok, err)
	}
	if _, err := flow.Finish(context.Background(), cb+"#access_token="+secret+"&token_type=Bearer&state="+state); !errors.Is(err, ErrStateUsed) {
		t.Fatalf("second reply: err = %v, want ErrStateUsed", err)
	}
}

func TestAFlowMakesItsOwnState(t *testing.T) {
	t.Parallel()
	r := codeRequest()
	r.State = "chosen-by-caller"
	if _, err := NewImplicitFlow(r); err == nil {
		t.Error("NewImplicitFlow accepted a state chosen by the caller")
	}
	if _, err := NewCodeFlow(r, TokenEndpoint{ClientID: testClientID, ClientSecret: testClientSecret}); err == nil {
		t.Error("NewCodeFlow accepted a state chosen by the caller")
	}
}

func TestParseGrant(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Grant{"": GrantImplicit, "implicit": GrantImplicit, "code": GrantCode} {
		if got, err := ParseGrant(in); err != nil || got != want {
			t.Errorf("ParseGrant(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseGrant("password"); err == nil {
		t.Error(`ParseGrant("password") succeeded`)
	}
}

func TestEveryParameterTheCodeParserReadsIsRefusedInARegisteredQuery(t *testing.T) {
	t.Parallel()
	// A registered redirect_uri with ?code=... would hand every reply a code
	// the provider never sent.
	for name := range codeReplyParams {
		if err := ValidateRedirectURI("https://partner.invalid/cb?" + name + "=x"); err == nil || !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("a registered query with %s: %v, want a refusal naming it", name, err)
		}
	}
}
