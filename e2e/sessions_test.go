//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// sessionProvider is a provider on 127.0.0.1 that remembers who signed in
// with a cookie, as Zapier does. Its authorize page notes whether the
// request carried its cookie, sets it, and then goes to the redirect URI
// with a token, so `partnerdesk login` finishes.
type sessionProvider struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string][]bool // client_id -> for each authorize request, whether it carried the cookie
}

const sessionCookie = "provider_session"

func newSessionProvider(t *testing.T) *sessionProvider {
	t.Helper()
	p := &sessionProvider{seen: map[string][]bool{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth/authorize/":
			q := r.URL.Query()
			client := q.Get("client_id")
			_, err := r.Cookie(sessionCookie)
			p.mu.Lock()
			n := len(p.seen[client])
			p.seen[client] = append(p.seen[client], err == nil)
			p.mu.Unlock()
			http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "signed-in-with-" + client,
				Path: "/", MaxAge: 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
			reply := url.Values{"access_token": {fmt.Sprintf("session-test-%s-%d", client, n)}, "token_type": {"bearer"},
				"expires_in": {"36000"}, "scope": {q.Get("scope")}, "state": {q.Get("state")}}
			// The cookie is set by this page; the page then goes on, as a
			// provider does once the operator is signed in.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			target, _ := json.Marshal(q.Get("redirect_uri") + "#" + reply.Encode())
			io.WriteString(w, `<!doctype html><title>Provider</title><p>Signed in.</p><script>location.replace(`+string(target)+`)</script>`)
		case "/v1/profiles/me":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id": 7, "first_name": "Ann", "last_name": "Operator", "full_name": "Ann Operator", "email": "ann@example.com"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.Close)
	if u, _ := url.Parse(p.URL); u.Hostname() != "127.0.0.1" {
		t.Fatalf("the provider is not on 127.0.0.1: %s", p.URL)
	}
	return p
}

// cookieSeen returns, for each sign-in of the client so far, whether the
// provider found its cookie.
func (p *sessionProvider) cookieSeen(client string) []bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]bool(nil), p.seen[client]...)
}

// docs/security.md: each profile signs in in a web session of its own
// (its own WebKit data folder), so a provider session of one profile is
// never used by another.
func TestTwoProfilesSignInSessionsAreApart(t *testing.T) {
	o := newOperator(t)
	p := newSessionProvider(t)
	add := func(name, client string) string {
		o.mustRun("profile", "add", name, "--client-id", client, "--redirect-uri", registeredRedirect,
			"--authorize-url", p.URL+"/oauth/authorize/", "--api-base", p.URL, "--scope", "profile")
		return o.profileID(name)
	}
	oneID, twoID := add("One", "client-one"), add("Two", "client-two")

	o.mustRun("login", "--profile", "One", "--timeout", "60s")
	// Profile One's session is kept: its next sign-in carries the cookie.
	// Without this the test could pass with no cookies kept at all.
	o.mustRun("login", "--profile", "One", "--force", "--timeout", "60s")
	if seen := p.cookieSeen("client-one"); len(seen) != 2 || seen[0] || !seen[1] {
		t.Fatalf("profile One's sign-ins carried the cookie %v, want [false true]: its provider session was not kept", seen)
	}
	// Profile Two never signed in: the provider must not know it.
	o.mustRun("login", "--profile", "Two", "--timeout", "60s")
	if seen := p.cookieSeen("client-two"); len(seen) != 1 || seen[0] {
		t.Fatalf("profile Two's sign-in carried the cookie %v, want [false]: the provider session of profile One reached profile Two", seen)
	}

	webdata := filepath.Join(o.dirs["XDG_DATA_HOME"], "partnerdesk", "webdata")
	for _, id := range []string{oneID, twoID} {
		if _, err := os.Stat(filepath.Join(webdata, id)); err != nil {
			t.Errorf("no web data folder for profile %s: %v", id, err)
		}
	}
	t.Logf("sign-in sessions: profile One's cookie came back on its own next sign-in and did not reach profile Two (web data in %s/{%s,%s})", webdata, oneID, twoID)
}
