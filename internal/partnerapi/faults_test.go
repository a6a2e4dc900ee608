package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/partnerapi"
)

// API faults from a server of our own on 127.0.0.1: each must end in a
// typed error whose operator message says what happened, in bounded time
// and memory, and never with the token in it.

const faultToken = "zpk_fault_7d1e9c0b5a3f2e4d6c8b0a1f3e5d7c9b"

// faultServer serves handler on 127.0.0.1 and counts the bytes it wrote.
func faultServer(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// sequence answers with the handlers in turn, the last one for ever after.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		hs[min(i, len(hs)-1)](w, r)
	}
}

var zapsPage = `{"objects": [{"id": 1, "title": "A Zap"}], "meta": {"count": 1, "next": null}}`

type apiFault struct {
	name    string
	handler http.HandlerFunc
	// check inspects the error (nil when the call is expected to succeed).
	check func(t *testing.T, err error)
	words string // part of the operator message; "" when the call succeeds
	waits int    // at least this many waits announced through OnWait
}

func isGaveUp(status int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var g *partnerapi.GaveUpError
		var a *partnerapi.APIError
		if !errors.As(err, &g) || !errors.As(err, &a) || a.Status != status {
			t.Errorf("got %v, want a *GaveUpError after a %d", err, status)
		}
	}
}

func isBadResponse(t *testing.T, err error) {
	t.Helper()
	var b *partnerapi.BadResponseError
	if !errors.As(err, &b) {
		t.Errorf("got %T %v, want a *BadResponseError", err, err)
	}
}

func isNetwork(t *testing.T, err error) {
	t.Helper()
	var n *partnerapi.NetworkError
	if !errors.As(err, &n) {
		t.Errorf("got %T %v, want a *NetworkError", err, err)
	}
}

func succeeded(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("got %v, want the call to succeed after waiting", err)
	}
}

var apiFaults = []apiFault{
	{
		name:    "500 every time",
		handler: jsonAnswer(500, `{"errors": ["Internal error"]}`),
		check:   isGaveUp(500), words: "had a problem 3 times in a row (it last answered 500)", waits: 2,
	},
	{
		name: "502 from a proxy, as HTML",
		handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		},
		check: isGaveUp(502), words: "it last answered 502", waits: 2,
	},
	{
		name: "503 with Retry-After, then an answer",
		handler: sequence(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			jsonAnswer(503, `{"errors": ["Maintenance"]}`)(w, r)
		}, jsonAnswer(200, zapsPage)),
		check: succeeded, waits: 1,
	},
	{
		name: "503 with Retry-After every time",
		handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			jsonAnswer(503, `{"errors": ["Maintenance"]}`)(w, r)
		},
		check: isGaveUp(503), words: "it last answered 503", waits: 2,
	},
	{
		name: "429 with Retry-After, then an answer",
		handler: sequence(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			jsonAnswer(429, `{"errors": ["Rate limited"]}`)(w, r)
		}, jsonAnswer(200, zapsPage)),
		check: succeeded, waits: 1,
	},
	{
		name: "429 every time",
		handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			jsonAnswer(429, `{"errors": ["Rate limited"]}`)(w, r)
		},
		check: func(t *testing.T, err error) {
			var a *partnerapi.APIError
			if !errors.As(err, &a) || a.Status != 429 {
				t.Errorf("got %v, want the 429", err)
			}
		},
		words: "limiting how many requests", waits: 5,
	},
	{
		name: "an answer slower than the client's time-out",
		handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		},
		check: func(t *testing.T, err error) {
			var g *partnerapi.GaveUpError
			var n *partnerapi.NetworkError
			if !errors.As(err, &g) || !errors.As(err, &n) || !n.Timeout() {
				t.Errorf("got %v, want a *GaveUpError after time-outs", err)
			}
		},
		words: "did not answer in time", waits: 2,
	},
	{
		name: "the connection reset in the middle of the body",
		handler: func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
			buf.WriteString(`{"objects": [{"id": 1, "title": "A Z`)
			buf.Flush()
			time.Sleep(50 * time.Millisecond)
			conn.(*net.TCPConn).SetLinger(0) // close with RST
			conn.Close()
		},
		check: isNetwork, words: "could not reach 127.0.0.1",
	},
	{
		name:    "invalid JSON",
		handler: jsonAnswer(200, `{"objects": [{"id": 1, "title": "A Zap"}, {"id": `),
		check:   isBadResponse, words: "cannot read",
	},
	{
		name: "a 200 with the wrong Content-Type: an HTML login page",
		handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html><title>Sign in to the corporate proxy</title><form>...</form>")
		},
		check: isBadResponse, words: "cannot read",
	},
}

func TestAPIFaultsEndInAClearMessage(t *testing.T) {
	ep, ok := partnerapi.EndpointByID("v1/zaps")
	if !ok {
		t.Fatal("no v1/zaps endpoint")
	}
	var survived atomic.Int32
	t.Run("group", func(t *testing.T) {
		for _, f := range apiFaults {
			t.Run(f.name, func(t *testing.T) {
				t.Parallel()
				srv := faultServer(t, f.handler)
				var mu sync.Mutex
				var waits []partnerapi.Wait
				client := &partnerapi.Client{
					BaseURL: srv.URL, Token: faultToken,
					HTTP:    &http.Client{Timeout: 300 * time.Millisecond},
					Backoff: 20 * time.Millisecond,
					OnWait: func(w partnerapi.Wait) {
						mu.Lock()
						waits = append(waits, w)
						mu.Unlock()
					},
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				start := time.Now()
				err := client.List(ctx, ep, partnerapi.ListOptions{All: true}, func(partnerapi.Page) error { return nil })
				took := time.Since(start)
				if ctx.Err() != nil {
					t.Fatalf("still waiting after %s", took)
				}
				f.check(t, err)
				mu.Lock()
				if len(waits) < f.waits {
					t.Errorf("%d waits announced, want at least %d", len(waits), f.waits)
				}
				mu.Unlock()
				if err != nil {
					msg := explain.Message(err)
					if !strings.Contains(msg, f.words) {
						t.Errorf("the operator reads %q, want it to say %q", msg, f.words)
					}
					if strings.Contains(msg, faultToken) || strings.Contains(err.Error(), faultToken) {
						t.Errorf("the message holds the token: %s", msg)
					}
					t.Logf("after %s the operator reads: %s", took.Round(10*time.Millisecond), msg)
				} else {
					t.Logf("after %s and %d announced wait(s) the call succeeded", took.Round(10*time.Millisecond), len(waits))
				}
				if !t.Failed() {
					survived.Add(1)
				}
			})
		}
	})
	t.Logf("API faults: %d of %d survived (typed error and a clear message, or success after the announced wait; no hang)", survived.Load(), len(apiFaults))
}

func TestA50MBAnswerIsRefusedWithBoundedMemory(t *testing.T) {
	const size = 50 << 20
	var written atomic.Int64
	srv := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(size))
		chunk := []byte(strings.Repeat(`{"id":1},`, 1<<10))
		io.WriteString(w, `{"objects": [`)
		for written.Load() < size-int64(len(chunk)) {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	client := &partnerapi.Client{BaseURL: srv.URL, Token: faultToken, Tries: 1}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := watchHeap()
	_, err := client.Me(context.Background())
	maxHeap := peak()
	runtime.ReadMemStats(&after)

	var b *partnerapi.BadResponseError
	if !errors.As(err, &b) || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("got %v, want a *BadResponseError saying the answer is too large", err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	grew := int64(maxHeap) - int64(before.HeapAlloc)
	if grew > 48<<20 {
		t.Errorf("the heap grew by %d MiB reading a 50 MiB answer", grew>>20)
	}
	t.Logf("a 50 MiB answer: refused (%q); the server got %d MiB out before the client stopped reading; heap peak +%d MiB, %d MiB allocated in all",
		explain.Message(err), written.Load()>>20, grew>>20, allocated>>20)
}

// watchHeap samples the heap until the returned function is called, which
// gives the highest HeapAlloc seen.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak.Load()
	}
}

// redirectLeaks has the API answer a 302 to target and reports whether the
// token arrived at the server behind other.
func redirectLeaks(t *testing.T, api *httptest.Server, client *http.Client, target string, other *atomic.Bool) bool {
	t.Helper()
	other.Store(false)
	api.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
	c := &partnerapi.Client{BaseURL: api.URL, Token: faultToken, Tries: 1, HTTP: client}
	_, err := c.Me(context.Background())
	t.Logf("302 to %s: %v", target, err)
	return other.Load()
}

func TestARedirectNeverCarriesTheTokenToAnotherHost(t *testing.T) {
	var got atomic.Bool
	other := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(strings.Contains(r.Header.Get("Authorization"), faultToken))
		jsonAnswer(200, `{"id": 1, "full_name": "Not Zapier"}`)(w, r)
	})
	_, port, _ := net.SplitHostPort(other.Listener.Addr().String())
	api := faultServer(t, nil)
	if redirectLeaks(t, api, nil, "http://localhost:"+port+"/v1/profiles/me", &got) {
		t.Error("a redirect took the token to another host name")
	}
}

// Go's HTTP client forwards Authorization on a redirect whenever the host
// NAME matches (or is a subdomain), whatever the port or scheme. So an API
// answering with a 302 to another port of its own host, or from https to
// plain http, would have the token sent there, had the client not dropped
// it (withoutTokenLeaks).
func TestARedirectToAnotherPortOrSchemeOfTheSameHost(t *testing.T) {
	var got atomic.Bool
	other := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(strings.Contains(r.Header.Get("Authorization"), faultToken))
		jsonAnswer(200, `{"id": 1, "full_name": "Not Zapier"}`)(w, r)
	})
	cases := []struct {
		name string
		api  *httptest.Server
	}{
		{"http, another port", faultServer(t, nil)},
		{"https to plain http", func() *httptest.Server {
			srv := httptest.NewUnstartedServer(nil)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv.Listener = l
			srv.StartTLS()
			t.Cleanup(srv.Close)
			return srv
		}()},
	}
	for _, c := range cases {
		var client *http.Client
		if strings.HasPrefix(c.api.URL, "https:") {
			client = c.api.Client()
		}
		if redirectLeaks(t, c.api, client, other.URL+"/v1/profiles/me", &got) {
			t.Errorf("%s: the token followed a 302 from %s to %s", c.name, c.api.URL, other.URL)
		}
	}
}
