//go:build linux && cgo && display

package signinwindow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerdesk/internal/signin/window"
)

// recorder keeps what testObserver reports: every navigation decision, page
// commit and answer of the windows opened meanwhile.
type recorder struct {
	mu     sync.Mutex
	events []string // "what uri"
	notify chan struct{}
}

func record(t *testing.T) *recorder {
	r := &recorder{notify: make(chan struct{}, 1)}
	testObserver = func(what, uri string) {
		r.mu.Lock()
		r.events = append(r.events, what+" "+uri)
		r.mu.Unlock()
		select {
		case r.notify <- struct{}{}:
		default:
		}
	}
	t.Cleanup(func() { testObserver = nil })
	return r
}

// waitFor waits until an event satisfies ok, and returns it; "" when none
// came in time.
func (r *recorder) waitFor(ok func(event string) bool) string {
	deadline := time.After(20 * time.Second)
	for {
		r.mu.Lock()
		for _, e := range r.events {
			if ok(e) {
				r.mu.Unlock()
				return e
			}
		}
		r.mu.Unlock()
		select {
		case <-r.notify:
		case <-deadline:
			return ""
		}
	}
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func TestTheSignInPagesRunInWebKitsSandbox(t *testing.T) {
	p := newProvider(t)
	r := record(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Open(ctx, window.Options{AuthorizeURL: p.URL + "/stay", RedirectURI: registered})
		done <- err
	}()
	if r.waitFor(func(e string) bool { return strings.HasPrefix(e, "committed "+p.URL+"/stay") }) == "" {
		t.Fatal("the page never arrived")
	}
	mu.Lock()
	a := current
	mu.Unlock()
	sandboxed := make(chan bool, 1)
	runOnMain(func() { sandboxed <- a.sandboxed() })
	if !<-sandboxed {
		t.Error("webkit_web_context_get_sandbox_enabled is false for the sign-in window's context")
	}
	// The flag is what WebKit was asked for; the page's process shows what
	// it got: another mount namespace (bubblewrap's), not ours.
	procs := webProcesses(t)
	if len(procs) == 0 {
		t.Fatal("no WebKitWebProcess below this test process")
	}
	own, _ := os.Readlink("/proc/self/ns/mnt")
	for _, pid := range procs {
		if ns, _ := os.Readlink("/proc/" + pid + "/ns/mnt"); ns == own {
			t.Errorf("web process %s shares this process's mount namespace: it is not in bubblewrap", pid)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, window.ErrCancelled) {
		t.Errorf("Open = %v, want window.ErrCancelled", err)
	}
}

// webProcesses lists the WebKitWebProcess processes descending from this
// one.
func webProcesses(t *testing.T) []string {
	parent := map[string]string{}
	name := map[string]string{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		pid := strings.TrimSpace(s[:open])
		fields := strings.Fields(s[close+1:])
		if len(fields) < 2 {
			continue
		}
		name[pid], parent[pid] = s[open+1:close], fields[1]
	}
	self := strconv.Itoa(os.Getpid())
	var found []string
	for pid, n := range name {
		if !strings.HasPrefix(n, "WebKitWebProces") { // comm is cut at 15 characters
			continue
		}
		for p := parent[pid]; p != "" && p != "0" && p != "1"; p = parent[p] {
			if p == self {
				found = append(found, pid)
				break
			}
		}
	}
	return found
}

// hostile serves pages that try to show something other than a web page,
// each in its own way, and a second later go to the redirect_uri with
// access_token=after: the end of the test, reached only if the page was
// still there.
func hostile(t *testing.T) *httptest.Server {
	t.Helper()
	makeURL := map[string]string{
		"file": `"file:///etc/hostname"`,
		"data": `"data:text/html,<title>made-up page</title>made up"`,
		"blob": `URL.createObjectURL(new Blob(["<title>made-up page</title>made up"], {type: "text/html"}))`,
	}
	after := `setTimeout(() => { location.href = "` + registered + `#access_token=after&state=s"; }, 1000);`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target, ok := makeURL[r.URL.Query().Get("scheme")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		var body string
		switch r.URL.Path {
		case "/location": // script assigns location
			body = `<script>location.href = ` + target + `; ` + after + `</script>`
		case "/link": // a link the operator follows (the test presses Enter)
			body = `<a id="a" href="#">Continue</a><script>a.href = ` + target + `; a.onclick = () => { ` + after + ` }; a.focus();</script>`
		case "/link-new-window": // the same, opening a new window
			body = `<a id="a" href="#" target="_blank">Continue</a><script>a.href = ` + target + `; a.onclick = () => { ` + after + ` }; a.focus();</script>`
		case "/window-open": // a button whose click calls window.open
			body = `<button id="b">Continue</button><script>b.onclick = () => { window.open(` + target + `); ` + after + ` }; b.focus();</script>`
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><head><title>hostile</title></head><body>"+body+"</body></html>")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A page tries to show /etc/hostname, or a page it made up (data:, blob:),
// by script, link, link to a new window and window.open. The window's rule
// is checked on what it decided: it never let such an address through, and
// never showed one. (For file: by script or link, WebKit refuses before it
// even asks the window, since the page is not a local file itself; the
// other ten reach the window's rule, and fail without it.)
func TestAPageCanShowNeitherALocalFileNorAPageItMadeUp(t *testing.T) {
	srv := hostile(t)
	for _, scheme := range []string{"file", "data", "blob"} {
		for _, way := range []string{"/location", "/link", "/link-new-window", "/window-open"} {
			t.Run(scheme+way, func(t *testing.T) {
				r := record(t)
				title := fmt.Sprintf("Sign in %d", time.Now().UnixNano())
				pressed := make(chan struct{})
				if way != "/location" {
					go pressEnterUntil(t, title, pressed)
				}
				got, err := open(t, window.Options{AuthorizeURL: srv.URL + way + "?scheme=" + scheme, RedirectURI: registered, Title: title})
				close(pressed)
				if err != nil || !strings.Contains(got, "access_token=after") {
					t.Errorf("Open = %q, %v; want the page's last step, which it takes only if it was not replaced", got, err)
				}
				for _, e := range r.all() {
					what, uri, _ := strings.Cut(e, " "+scheme+":")
					if uri != "" && !strings.HasPrefix(what, "refused") {
						t.Errorf("the window let a %s: address through: %s", scheme, e)
					}
				}
			})
		}
	}
}

func TestAnIframeSentToTheRedirectURIEndsNothing(t *testing.T) {
	p := newProvider(t)
	mux := http.NewServeMux()
	// The iframe goes to the redirect_uri either by script or by an HTTP
	// redirect of its own server; the main page then goes there for real.
	mux.HandleFunc("/frame-script", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<script>location.href = "`+r.URL.Query().Get("to")+`#access_token=evil&state=s";</script>`)
	})
	mux.HandleFunc("/frame-redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to")+"#access_token=evil&state=s", http.StatusFound)
	})
	mux.HandleFunc("/real-redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to")+"#access_token=real&state=s", http.StatusFound)
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		to := r.URL.Query().Get("to")
		main := to + "#access_token=real&state=s"
		if r.URL.Query().Get("main") == "redirect" {
			main = "/real-redirect?to=" + to
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><html><body><iframe src="`+r.URL.Query().Get("frame")+`?to=`+to+`"></iframe>`+
			`<a id="a" href="`+main+`">Continue</a><script>a.focus();</script></body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	for _, redirect := range []string{registered, p.URL + "/oauth/callback"} {
		for _, frame := range []string{"/frame-script", "/frame-redirect"} {
			for _, main := range []string{"link", "redirect"} {
				t.Run(strings.TrimPrefix(frame, "/")+" then main "+main+" to "+redirect, func(t *testing.T) {
					r := record(t)
					title := fmt.Sprintf("Sign in %d", time.Now().UnixNano())
					result := make(chan string, 1)
					go func() {
						got, err := Open(context.Background(), window.Options{
							AuthorizeURL: srv.URL + "/page?frame=" + frame + "&main=" + main + "&to=" + redirect,
							RedirectURI:  redirect, Title: title, Timeout: 60 * time.Second})
						if err != nil {
							got = err.Error()
						}
						result <- got
					}()
					// The iframe's try comes first: only then does the test
					// follow the page's link, as the operator would.
					if r.waitFor(func(e string) bool { return strings.Contains(e, "access_token=evil") }) == "" {
						t.Fatalf("the iframe never went to the redirect_uri; saw %q", r.all())
					}
					pressed := make(chan struct{})
					go pressEnterUntil(t, title, pressed)
					got := <-result
					close(pressed)
					if !strings.HasPrefix(got, redirect) || !strings.Contains(got, "access_token=real") {
						t.Errorf("Open = %q, want the main page's answer", got)
					}
				})
			}
		}
	}
	if n := p.redirectHits.Load(); n != 0 {
		t.Errorf("the redirect_uri was requested %d times", n)
	}
}
