package oauth

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRefreshRotatesTheRefreshToken(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	tok, err := srv.endpoint().Refresh(context.Background(), testRefresh)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.RefreshToken == testRefresh {
		t.Fatalf("refresh token not rotated: %v", tok)
	}
	// The old one no longer works; the new one does.
	if _, err := srv.endpoint().Refresh(context.Background(), testRefresh); !errors.Is(err, ErrGrantRefused) {
		t.Fatalf("old refresh token: err = %v, want ErrGrantRefused", err)
	}
	if _, err := srv.endpoint().Refresh(context.Background(), tok.RefreshToken); err != nil {
		t.Fatalf("new refresh token: %v", err)
	}
}

func TestRefreshKeepsTheRefreshTokenWhenNoNewOneComes(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	srv.reply = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"at-no-rotation-1234","token_type":"bearer","expires_in":3600}`)
		return true
	}
	tok, err := srv.endpoint().Refresh(context.Background(), testRefresh)
	if err != nil || tok.RefreshToken != testRefresh {
		t.Fatalf("Refresh = %v, %v; want the old refresh token kept", tok, err)
	}
}

func TestTokenEndpointErrorsInTheOperatorsWords(t *testing.T) {
	t.Parallel()
	html := func(status int) func(w http.ResponseWriter, r *http.Request) bool {
		return func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprint(w, "<html><body>Welcome</body></html>")
			return true
		}
	}
	tests := []struct {
		name     string
		endpoint func(srv *tokenServer) TokenEndpoint
		reply    func(w http.ResponseWriter, r *http.Request) bool
		is       error
		says     string
	}{
		{
			name: "a wrong client secret says so",
			endpoint: func(srv *tokenServer) TokenEndpoint {
				e := srv.endpoint()
				e.ClientSecret = "not-the-secret-at-all"
				return e
			},
			is:   ErrClientRefused,
			says: "Zapier did not accept the client secret",
		},
		{
			name:     "a refused refresh token asks to sign in again",
			endpoint: func(srv *tokenServer) TokenEndpoint { return srv.endpoint() },
			reply: func(w http.ResponseWriter, r *http.Request) bool {
				oauthError(w, 400, "invalid_grant", "revoked")
				return true
			},
			is:   ErrGrantRefused,
			says: "Please sign in again",
		},
		{
			name:     "a web page instead of a token says to check the token URL",
			endpoint: func(srv *tokenServer) TokenEndpoint { return srv.endpoint() },
			reply:    html(200),
			says:     "not a usable token",
		},
		{
			name:     "a server error says to try again later",
			endpoint: func(srv *tokenServer) TokenEndpoint { return srv.endpoint() },
			reply:    html(503),
			says:     "Try again in a few minutes",
		},
		{
			name: "no network says to check the connection",
			endpoint: func(srv *tokenServer) TokenEndpoint {
				e := srv.endpoint()
				e.URL = "http://" + closedAddr(t) + "/oauth/token/"
				return e
			},
			says: "could not reach the token address",
		},
		{
			name:     "a token that is not Bearer is refused",
			endpoint: func(srv *tokenServer) TokenEndpoint { return srv.endpoint() },
			reply: func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"access_token":"at-mac-token-123","token_type":"mac"}`)
				return true
			},
			says: "not a Bearer token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t)
			srv.reply = tt.reply
			_, err := tt.endpoint(srv).Refresh(context.Background(), testRefresh)
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v (%T), want a *TokenError", err, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want it to match %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err = %q, want it to say %q", err, tt.says)
			}
			if strings.Contains(err.Error(), testRefresh) || strings.Contains(err.Error(), string(testClientSecret)) {
				t.Errorf("err carries a secret: %q", err)
			}
		})
	}
}

// closedAddr returns a 127.0.0.1 address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestTokenEndpointNeverFollowsARedirect(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	defer other.Close()
	srv := newTokenServer(t)
	srv.reply = func(w http.ResponseWriter, r *http.Request) bool {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect) // 307 re-sends the body
		return true
	}
	_, err := srv.endpoint().Refresh(context.Background(), testRefresh)
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the refresh token and client secret were sent on to another address (%d requests)", n)
	}
	if err == nil || !strings.Contains(err.Error(), "sent Partnerdesk to another address") {
		t.Fatalf("err = %v, want it to say the token address redirected", err)
	}
}

func TestTokenErrorsCutEchoedSecrets(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	srv.reply = func(w http.ResponseWriter, r *http.Request) bool {
		r.ParseForm()
		oauthError(w, 400, "invalid_grant", "refresh token "+r.PostForm.Get("refresh_token")+" for secret "+string(testClientSecret)+" is revoked")
		return true
	}
	_, err := srv.endpoint().Refresh(context.Background(), testRefresh)
	if err == nil || strings.Contains(err.Error(), testRefresh) || strings.Contains(err.Error(), string(testClientSecret)) {
		t.Fatalf("err = %q, want the echoed secrets cut out", err)
	}
	if !strings.Contains(err.Error(), "[removed]") {
		t.Fatalf("err = %q, want the rest of Zapier's description kept", err)
	}
}

func TestNoOutputEverContainsTheRefreshTokenOrClientSecret(t *testing.T) {
	t.Parallel()
	tok := Token{AccessToken: secret, TokenType: "Bearer", RefreshToken: testRefresh, Scopes: []string{testRefresh}}
	cs := testClientSecret
	var outputs []string
	for _, v := range []any{tok, &tok, cs, &cs, []any{tok, cs}, struct {
		T Token
		S ClientSecret
	}{tok, cs}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			outputs = append(outputs, fmt.Sprintf(verb, v))
		}
		if b, err := json.Marshal(v); err == nil {
			outputs = append(outputs, string(b))
		}
		var g bytes.Buffer
		gob.NewEncoder(&g).Encode(v)
		outputs = append(outputs, g.String())
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "token", tok, "secret", cs)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "token", tok, "secret", cs)
	outputs = append(outputs, logs.String())
	for _, out := range outputs {
		if strings.Contains(out, testRefresh) || strings.Contains(out, string(testClientSecret)) || strings.Contains(out, secret) {
			t.Fatalf("output carries a secret: %s", out)
		}
	}
	if !strings.Contains(tok.String(), "renewable") || !strings.Contains(cs.String(), fmt.Sprintf("%d chars", len(cs))) {
		t.Errorf("summaries: %s / %s", tok, cs)
	}
}
