package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
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

// API faults in the app: whatever the API does wrong, the rows saved from
// the last good fetch are shown first and stay saved, and the fetch ends in
// an error the page shows in words. (internal/partnerapi/faults_test.go
// holds the same faults against the client alone, with time-outs and
// 429s.)
func TestAPIFaultsKeepTheCachedRows(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 30}, "profile zap")
	b.fetch("v1/zaps", true, nil)
	before, err := cache.Load(b.profile.ID, "v1/zaps", nil)
	if err != nil || len(before.Items) != 30 {
		t.Fatalf("the first fetch cached %d rows (%v)", len(before.Items), err)
	}

	answer := func(status int, contentType, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	faults := []struct {
		name    string
		handler http.HandlerFunc
		kind    string
	}{
		{"500 every time", answer(500, "application/json", `{"errors": ["Internal error"]}`), "server"},
		{"503 with Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			answer(503, "application/json", `{"errors": ["Maintenance"]}`)(w, r)
		}, "server"},
		{"the connection reset mid-body", func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"objects\": [")
			buf.Flush()
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}, "offline"},
		{"invalid JSON", answer(200, "application/json", `{"objects": [{"id": `), "other"},
		{"an HTML page instead of JSON", answer(200, "text/html", "<!doctype html><title>Proxy sign-in</title>"), "other"},
		{"a 50 MB answer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(strings.Repeat(`{"id": 1},`, 1<<10))
			io.WriteString(w, `{"objects": [`)
			for sent := 0; sent < 50<<20; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "other"},
	}
	kept := 0
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			srv := httptest.NewServer(f.handler)
			defer srv.Close()
			err := b.app.env.Profiles.Update(func(file *profiles.File) error {
				p, _ := file.Find(b.profile.ID)
				p.APIBaseURL = srv.URL
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			events := b.fetch("v1/zaps", true, nil)
			cached, live := pagesOf(events)
			e := errorOf(events)
			if len(cached) != 1 || len(cached[0].Rows) != 30 {
				t.Errorf("%d cached pages shown first, want the 30 saved rows", len(cached))
			}
			if len(live) != 0 || e == nil || e.Kind != f.kind || e.Message == "" {
				t.Fatalf("live pages %d, error %+v; want an error of kind %s", len(live), e, f.kind)
			}
			for _, ev := range events {
				if out, _ := json.Marshal(ev.payload); strings.Contains(string(out), b.token) {
					t.Fatalf("an event carried the token: %s", ev.name)
				}
			}
			after, err := cache.Load(b.profile.ID, "v1/zaps", nil)
			if err != nil || !after.FetchedAt.Equal(before.FetchedAt) || len(after.Items) != 30 {
				t.Fatalf("the saved rows changed: %d rows fetched at %v (%v)", len(after.Items), after.FetchedAt, err)
			}
			t.Logf("the page shows the 30 saved rows, then: %s", e.Message)
			kept++
		})
	}
	t.Logf("API faults in the app: %d of %d kept the saved rows and ended in words", kept, len(faults))
}
