package partnerapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/sandbox"
)

// sandboxToken signs in at a real sandbox on 127.0.0.1 with auto-approve and
// returns its base URL and a token for the scopes asked.
func sandboxToken(t *testing.T, scopes string) (string, string) {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Approve: sandbox.ApproveAuto, KeyFile: filepath.Join(t.TempDir(), "key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	q := url.Values{"client_id": {sandbox.ClientID}, "redirect_uri": {sandbox.RedirectURI}, "response_type": {"token"}, "scope": {scopes}, "state": {"s"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(srv.AuthorizeURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	frag, _ := url.ParseQuery(loc.Fragment)
	if frag.Get("access_token") == "" {
		t.Fatalf("sandbox gave no token: status %d", resp.StatusCode)
	}
	return srv.URL(), frag.Get("access_token")
}

func TestMeReturnsTheAccountOfTheToken(t *testing.T) {
	base, token := sandboxToken(t, "profile zap")
	me, err := (&Client{BaseURL: base, Token: token}).Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.FullName == "" || me.Email == "" || me.ID.String() == "" {
		t.Errorf("Me() = %+v, want a full name, an email and an id", me)
	}
}

func TestARejectedTokenIsReportedAsSuch(t *testing.T) {
	base, token := sandboxToken(t, "profile")
	for name, tok := range map[string]string{"garbled": token + "x", "missing": ""} {
		t.Run(name, func(t *testing.T) {
			_, err := (&Client{BaseURL: base, Token: tok}).Me(context.Background())
			if !errors.Is(err, ErrTokenRejected) {
				t.Fatalf("Me() with a %s token = %v, want ErrTokenRejected", name, err)
			}
		})
	}
}

func TestAMissingScopeNamesTheScope(t *testing.T) {
	base, token := sandboxToken(t, "zap")
	_, err := (&Client{BaseURL: base, Token: token}).Me(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusForbidden {
		t.Fatalf("Me() without the profile scope = %v, want a 403 APIError", err)
	}
	if apiErr.Scope != "profile" {
		t.Errorf("missing scope = %q, want %q", apiErr.Scope, "profile")
	}
	if errors.Is(err, ErrTokenRejected) {
		t.Error("a missing scope must not read as a rejected token: signing in again with the same scopes would not help")
	}
}

func TestErrorBodiesOfBothShapesAreDecoded(t *testing.T) {
	cases := []struct {
		name         string
		status       int
		header, body string
		wantMessage  string
		wantScope    string
		wantRejected bool
		wantRetry    time.Duration
	}{
		{"a v1 body of strings", 400, "", `{"errors":["Malformed request"]}`, "Malformed request", "", false, 0},
		{"a v2 body of objects", 400, "", `{"errors":[{"status":400,"code":"bad","title":"Bad request","detail":"limit too big"}]}`, "limit too big", "", false, 0},
		{"a v2 403 invalid authentication", 403, "", `{"errors":[{"status":"403","title":"Invalid authentication"}]}`, "Invalid authentication", "", true, 0},
		{"a v1 403 invalid authentication", 403, "", `{"errors":["Invalid authentication."]}`, "Invalid authentication.", "", true, 0},
		{"a 401 with no body", 401, "", ``, "", "", true, 0},
		{"a scope named in the challenge header", 403, `Bearer error="insufficient_scope", scope="zap:runs"`, `{"errors":["Forbidden"]}`, "Forbidden", "zap:runs", false, 0},
		{"a 429 with Retry-After", 429, "", `{"errors":["Too many requests"]}`, "Too many requests", "", false, 42 * time.Second},
		{"a 502 with an HTML body", 502, "", `<html>bad gateway</html>`, "", "", false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.header != "" {
					w.Header().Set("WWW-Authenticate", c.header)
				}
				if c.wantRetry > 0 {
					w.Header().Set("Retry-After", "42")
				}
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			defer srv.Close()
			// One try, and the first pause cut short: what is decoded is
			// the point here, not the waiting (see the retry tests).
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var waitedOn error
			client := &Client{BaseURL: srv.URL, Token: "t", Tries: 1, OnWait: func(w Wait) { waitedOn = w.Err; cancel() }}
			_, err := client.Me(ctx)
			if waitedOn != nil {
				err = waitedOn
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got %v, want an APIError", err)
			}
			if apiErr.Status != c.status || apiErr.Scope != c.wantScope || apiErr.RetryAfter != c.wantRetry {
				t.Errorf("got status %d scope %q retry %s, want %d %q %s", apiErr.Status, apiErr.Scope, apiErr.RetryAfter, c.status, c.wantScope, c.wantRetry)
			}
			if c.wantMessage != "" && !contains(apiErr.Messages, c.wantMessage) {
				t.Errorf("messages %q lack %q", apiErr.Messages, c.wantMessage)
			}
			if got := errors.Is(err, ErrTokenRejected); got != c.wantRejected {
				t.Errorf("errors.Is(err, ErrTokenRejected) = %v, want %v", got, c.wantRejected)
			}
		})
	}
}

func TestAnUnreachableAPIIsANetworkError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = (&Client{BaseURL: "http://" + addr, Token: "t"}).Me(context.Background())
	var netErr *NetworkError
	if !errors.As(err, &netErr) || netErr.Host != addr {
		t.Fatalf("got %v, want a NetworkError for %s", err, addr)
	}
}

func TestTheTokenNeverAppearsInAnError(t *testing.T) {
	const secret = "sekrit-token-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"errors":["bad"]}`))
	}))
	defer srv.Close()
	_, err := (&Client{BaseURL: srv.URL, Token: secret}).Me(context.Background())
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %q holds the token", err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
