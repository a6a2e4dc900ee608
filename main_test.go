package main

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The main web view shows only the app's own pages: its Content-Security-
// Policy, sent by the asset server (securityHeaders) and repeated in
// index.html's <meta>, must allow nothing but the app's own origin.

// parseCSP splits a policy into its directives.
func parseCSP(t *testing.T, policy string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		name := strings.ToLower(f[0])
		if _, dup := out[name]; dup {
			t.Errorf("directive %s appears twice (browsers use the first)", name)
		}
		out[name] = f[1:]
	}
	return out
}

// checkStrict asserts a policy allows only 'self' (and data: images), no
// inline or evaluated script, no plugins, no <base>, no form posts, no
// framing. where names the policy in messages. It returns the number of
// directives.
func checkStrict(t *testing.T, where, policy string) int {
	t.Helper()
	csp := parseCSP(t, policy)
	want := map[string]string{
		"default-src":     "'self'",
		"script-src":      "'self'",
		"connect-src":     "'self'",
		"object-src":      "'none'",
		"base-uri":        "'none'",
		"form-action":     "'none'",
		"frame-ancestors": "'none'",
	}
	for name, value := range want {
		got := strings.Join(csp[name], " ")
		if got != value {
			t.Errorf("%s: %s is %q, want %q", where, name, got, value)
		}
	}
	allowedSources := map[string]bool{"'self'": true, "'none'": true}
	for name, sources := range csp {
		for _, s := range sources {
			switch {
			case allowedSources[s]:
			case name == "img-src" && s == "data:":
			case name == "style-src" && s == "'unsafe-inline'":
				// Svelte sets style attributes; styles cannot run code.
			default:
				t.Errorf("%s: %s allows %s", where, name, s)
			}
		}
	}
	return len(csp)
}

func TestTheAssetServerSendsAStrictContentSecurityPolicy(t *testing.T) {
	h := securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<!doctype html>"))
	}))
	for _, path := range []string{"/", "/index.html", "/assets/index.js", "/wails/runtime.js", "/nowhere"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "wails://wails"+path, nil))
		policy := rec.Header().Get("Content-Security-Policy")
		if policy == "" {
			t.Fatalf("%s: no Content-Security-Policy", path)
		}
		n := checkStrict(t, "the asset server's header for "+path, policy)
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		if got := rec.Header().Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy = %q", path, got)
		}
		if path == "/" {
			t.Logf("main web view CSP header: %d directives, none allowing more than the app's own origin (images also data:, styles also inline)", n)
		}
	}
}

var metaCSP = regexp.MustCompile(`(?is)<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"`)

func TestTheAppPageCarriesTheSameStrictPolicy(t *testing.T) {
	header := httptest.NewRecorder()
	securityHeaders(http.NotFoundHandler()).ServeHTTP(header, httptest.NewRequest("GET", "/", nil))
	for _, page := range []struct {
		name string
		read func() ([]byte, error)
	}{
		{"frontend/index.html", func() ([]byte, error) { return os.ReadFile("frontend/index.html") }},
		{"the embedded frontend/dist/index.html", func() ([]byte, error) { return fs.ReadFile(assets, "frontend/dist/index.html") }},
	} {
		html, err := page.read()
		if err != nil {
			t.Fatalf("%s: %v (build the frontend first: cd frontend && npm run build)", page.name, err)
		}
		html = regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAll(html, nil) // comments may mention tags
		m := metaCSP.FindSubmatch(html)
		if m == nil {
			t.Fatalf("%s has no Content-Security-Policy <meta>", page.name)
		}
		policy := strings.Join(strings.Fields(string(m[1])), " ")
		checkStrict(t, page.name, policy)
		if policy != header.Header().Get("Content-Security-Policy") {
			t.Errorf("%s's policy differs from the asset server's:\n %s\n %s", page.name, policy, header.Header().Get("Content-Security-Policy"))
		}
		// No inline script: script-src 'self' would block it, and the app
		// would not start.
		for _, tag := range regexp.MustCompile(`(?is)<script\b[^>]*>`).FindAll(html, -1) {
			if !regexp.MustCompile(`\bsrc=`).Match(tag) {
				t.Errorf("%s has an inline script: %s", page.name, tag)
			}
		}
	}
}
