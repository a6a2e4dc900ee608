//go:build linux && cgo && display

// These tests open real WebKitGTK windows: run them in a desktop session
// (make test-display, or scripts/desktop-session.sh go test -tags
// webkit2_41,display ./internal/signinwindow/). GTK runs on the main
// thread, so TestMain hands it the thread and runs the tests beside it.
package signinwindow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"partnerdesk/internal/signin/window"
)

func init() { runtime.LockOSThread() }

func TestMain(m *testing.M) {
	code := 1
	if err := RunMainLoop(func() { code = m.Run() }); err != nil {
		fmt.Fprintln(os.Stderr, "signinwindow display tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

const registered = "https://partner.invalid/oauth/callback"

// provider serves pages that reach the registered redirect_uri in the
// different ways a provider may, and counts requests for the redirect
// path, which must never arrive when the redirect_uri is this server.
type provider struct {
	*httptest.Server
	redirectHits atomic.Int32
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	p := &provider{}
	target := func(r *http.Request) string {
		if to := r.URL.Query().Get("to"); to != "" {
			return to
		}
		return registered
	}
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body>"+body+"</body></html>")
	}
	mux := http.NewServeMux()
	for _, code := range []int{302, 303, 307} {
		mux.HandleFunc(fmt.Sprintf("/redirect%d", code), func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target(r)+"#access_token=tok&token_type=Bearer&state=s", code)
		})
	}
	mux.HandleFunc("/chain", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/redirect302?to="+r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("/js", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<script>location.href = "`+target(r)+`#access_token=tok&state=s";</script>`)
	})
	mux.HandleFunc("/replace", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<script>location.replace("`+target(r)+`#access_token=tok&state=s");</script>`)
	})
	mux.HandleFunc("/meta", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<meta http-equiv="refresh" content="0;url=`+target(r)+`#access_token=tok&amp;state=s">`)
	})
	mux.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<form id="f" method="get" action="`+target(r)+`"><input name="error" value="access_denied"><input name="state" value="s"></form><script>document.getElementById("f").submit();</script>`)
	})
	mux.HandleFunc("/popup", func(w http.ResponseWriter, r *http.Request) {
		// A link opening a new window, followed by the operator (the test
		// presses Enter on it): WebKit only opens windows on a user gesture.
		page(w, `<a id="a" href="`+target(r)+`#access_token=tok&state=s" target="_blank">Continue</a><script>document.getElementById("a").focus();</script>`)
	})
	mux.HandleFunc("/stay", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h1>Sign in</h1><p>This page never redirects.</p>`)
	})
	mux.HandleFunc("/oauth/callback", func(w http.ResponseWriter, r *http.Request) {
		p.redirectHits.Add(1)
		page(w, "the redirect target was loaded")
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func open(t *testing.T, opts window.Options) (string, error) {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	return Open(context.Background(), opts)
}

func TestEveryWayOfReachingTheRedirectURIIsInterceptedBeforeItLoads(t *testing.T) {
	p := newProvider(t)
	loopbackRedirect := p.URL + "/oauth/callback"
	cases := []struct {
		path, redirect string
		wantIn         string
	}{
		{"/redirect302", registered, "#access_token=tok"},
		{"/redirect303", registered, "#access_token=tok"},
		{"/redirect307", registered, "#access_token=tok"},
		{"/chain", registered, "#access_token=tok"},
		{"/js", registered, "#access_token=tok"},
		{"/replace", registered, "#access_token=tok"},
		{"/meta", registered, "#access_token=tok"},
		{"/form", registered, "?error=access_denied&state=s"},
		{"/popup", registered, "#access_token=tok"},
		{"/redirect302", loopbackRedirect, "#access_token=tok"},
		{"/js", loopbackRedirect, "#access_token=tok"},
	}
	for _, c := range cases {
		t.Run(strings.TrimPrefix(c.path, "/")+" to "+c.redirect, func(t *testing.T) {
			// A title of its own, so the test finds this window and not the
			// previous one on its way out.
			title := fmt.Sprintf("Sign in %d", time.Now().UnixNano())
			done := make(chan struct{})
			if c.path == "/popup" {
				go pressEnterUntil(t, title, done)
			}
			got, err := open(t, window.Options{AuthorizeURL: p.URL + c.path + "?to=" + c.redirect, RedirectURI: c.redirect, Title: title})
			close(done)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, c.redirect) || !strings.Contains(got, c.wantIn) {
				t.Errorf("got %q, want the redirect to %s with %q", got, c.redirect, c.wantIn)
			}
		})
	}
	if n := p.redirectHits.Load(); n != 0 {
		t.Errorf("the redirect_uri was requested %d times: interception must stop it before it loads", n)
	}
}

func TestAWindowThatGetsNoRedirectTimesOut(t *testing.T) {
	p := newProvider(t)
	_, err := Open(context.Background(), window.Options{AuthorizeURL: p.URL + "/stay", RedirectURI: registered, Timeout: 2 * time.Second})
	if !errors.Is(err, window.ErrTimeout) {
		t.Fatalf("got %v, want window.ErrTimeout", err)
	}
}

func TestCancellingTheContextClosesTheWindow(t *testing.T) {
	p := newProvider(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
	if _, err := Open(ctx, window.Options{AuthorizeURL: p.URL + "/stay", RedirectURI: registered}); !errors.Is(err, window.ErrCancelled) {
		t.Fatalf("got %v, want window.ErrCancelled", err)
	}
}

func TestASecondSignInWhileOneIsOpenFocusesTheFirst(t *testing.T) {
	p := newProvider(t)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := Open(ctx, window.Options{AuthorizeURL: p.URL + "/stay", RedirectURI: registered, Title: "First sign-in"})
		first <- err
	}()
	win := waitForWindow(t, "First sign-in")
	// Something else takes the focus, as when the operator clicks the app.
	other := exec.Command("xmessage", "-name", "elsewhere", "elsewhere")
	if err := other.Start(); err == nil {
		defer other.Process.Kill()
		exec.Command("xdotool", "windowactivate", "--sync", waitForWindow(t, "elsewhere")).Run()
	}
	if _, err := Open(context.Background(), window.Options{AuthorizeURL: p.URL + "/redirect302", RedirectURI: registered, Timeout: 5 * time.Second}); !errors.Is(err, window.ErrInProgress) {
		t.Fatalf("second Open = %v, want window.ErrInProgress", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	active := ""
	for time.Now().Before(deadline) && active != win {
		out, _ := exec.Command("xdotool", "getactivewindow").Output()
		active = strings.TrimSpace(string(out))
		time.Sleep(50 * time.Millisecond)
	}
	if active != win {
		t.Errorf("the active window is %s, want the open sign-in window %s in front", active, win)
	}
	cancel()
	if err := <-first; !errors.Is(err, window.ErrCancelled) {
		t.Errorf("first Open = %v, want window.ErrCancelled", err)
	}
	// With the first gone, a new sign-in opens normally.
	if _, err := open(t, window.Options{AuthorizeURL: p.URL + "/redirect302", RedirectURI: registered}); err != nil {
		t.Errorf("Open after the first closed = %v", err)
	}
}

func TestARedirectURIThatIsNotAbsoluteIsRefusedBeforeAnyWindowOpens(t *testing.T) {
	if _, err := Open(context.Background(), window.Options{AuthorizeURL: "http://127.0.0.1:1/", RedirectURI: "/oauth/callback"}); err == nil {
		t.Fatal("Open accepted a relative redirect_uri")
	}
}

// waitForWindow waits until a visible window whose title contains name
// exists, and returns its X id.
func waitForWindow(t *testing.T, name string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", name).Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			return ids[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("no window %q appeared", name)
	return ""
}

// pressEnterUntil gives a window the focus and presses Enter, as a person,
// every half second until done: the page's focus() runs only once it has
// loaded, which takes longer on a busy machine.
func pressEnterUntil(t *testing.T, name string, done <-chan struct{}) {
	id := waitForWindow(t, name)
	if id == "" {
		return
	}
	for {
		select {
		case <-done:
			return
		case <-time.After(500 * time.Millisecond):
			exec.Command("xdotool", "windowactivate", "--sync", id, "key", "Return").Run()
		}
	}
}

// BenchmarkRedirectInterception measures from the provider's 302 being
// written to the intercepted URL reaching Go, the window's part of
// "redirect to token stored".
func BenchmarkRedirectInterception(b *testing.B) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		written.Store(time.Now().UnixNano())
		http.Redirect(w, r, registered+"#access_token=tok&state=s", http.StatusFound)
	}))
	defer srv.Close()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		if _, err := Open(context.Background(), window.Options{AuthorizeURL: srv.URL, RedirectURI: registered, Timeout: 30 * time.Second}); err != nil {
			b.Fatal(err)
		}
		total += time.Since(time.Unix(0, written.Load()))
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/redirect-to-go+close")
}
