package desktop

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
)

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
			err := b.store.Update(func(file *profiles.File) error {
				p, _ := file.Find(b.profile.ID)
				p.APIBaseURL = srv.URL
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			events := b.fetch("v1/zaps", false, nil) // Reload
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
