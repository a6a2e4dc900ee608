// Package loopback receives one OAuth redirect in the system browser, for
// providers and accounts that refuse embedded sign-in windows (Google
// sign-in does; RFC 8252 section 8.12 advises against them).
//
// It serves the registered redirect_uri when that is an http address on
// this computer (http://127.0.0.1:PORT/..., http://[::1]:PORT/... or
// http://localhost:PORT/...), for one attempt, on the loopback addresses the
// browser may go to: 127.0.0.1, ::1, or both for localhost. Browsers try
// ::1 first for localhost, so a relay on 127.0.0.1 alone would leave ::1 to
// any other local user, whose program would receive the redirect and the
// token; when it cannot hold every one of them it refuses to start. The implicit grant puts
// the token in the URL fragment, which a browser never sends to a server,
// so the page served there reads its own address, clears it from the
// browser's history, and posts it back to the same origin with the state
// (RFC 8252 section 7.3, the seed's workaround run inside the app).
//
// The receiver accepts the first post from its own origin carrying the
// expected state and hands the address on unparsed: internal/oauth judges
// it exactly as it judges an intercepted redirect.
package loopback

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNotLoopback means the redirect_uri is not an http address on this
// computer, so the system browser cannot hand the redirect to the app this
// way; the "paste the address" method still works.
var ErrNotLoopback = errors.New("this redirect URI is not an address on this computer (http://127.0.0.1:PORT/..., http://[::1]:PORT/... or http://localhost:PORT/...)")

// PortBusyError means another program listens on the redirect_uri's port,
// on one of the addresses the browser may go to.
type PortBusyError struct {
	Port    int
	Address string // "127.0.0.1" or "::1": where the port is taken
	Program string // the program holding the port, when it can be found
}

func (e *PortBusyError) Error() string {
	who := "another program"
	if e.Program != "" {
		who = e.Program
	}
	where := ""
	if e.Address == "::1" {
		// The case an operator would not guess: the port looks free on
		// 127.0.0.1, but the browser goes to ::1 first.
		where = " at ::1, the address your browser tries first for localhost"
	}
	return fmt.Sprintf("port %d is in use by %s%s, which could receive your sign-in instead of Partnerdesk; close that program and try again, or register a redirect URI with another port",
		e.Port, who, where)
}

// Receiver waits for one redirect on the loopback addresses of its
// redirect_uri.
type Receiver struct {
	srv    *http.Server
	path   string
	origin string // scheme://host:port of the redirect_uri, as the browser sends it
	base   string // the redirect_uri without query or fragment
	state  string
	nonce  string

	mu     sync.Mutex
	done   bool
	result chan string
}

// Accepts tells whether Listen can serve redirectURI: an http address on
// this computer with a port. The app offers "Sign in with my browser" on it
// only for such a redirect URI; for any other, the operator pastes the
// address instead.
func Accepts(redirectURI string) bool {
	_, err := loopbackURL(redirectURI)
	return err == nil
}

// loopbackURL parses a redirect URI Listen can serve.
func loopbackURL(redirectURI string) (*url.URL, error) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Port() == "" {
		return nil, ErrNotLoopback
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil || port <= 0 || port > 65535 {
		return nil, ErrNotLoopback
	}
	if host := u.Hostname(); host != "127.0.0.1" && host != "::1" && !strings.EqualFold(host, "localhost") {
		return nil, ErrNotLoopback
	}
	return u, nil
}

// Listen starts serving redirectURI for one attempt whose state is state.
func Listen(redirectURI, state string) (*Receiver, error) {
	u, err := loopbackURL(redirectURI)
	if err != nil {
		return nil, err
	}
	port, _ := strconv.Atoi(u.Port())
	var addresses []string
	switch host := u.Hostname(); {
	case host == "127.0.0.1":
		addresses = []string{"127.0.0.1"}
	case host == "::1":
		addresses = []string{"::1"}
	default: // localhost
		addresses = []string{"127.0.0.1"}
		if hasIPv6Loopback() {
			addresses = append(addresses, "::1")
		}
	}
	if state == "" {
		return nil, errors.New("loopback: a state is required")
	}
	listeners, err := listenAll(addresses, port)
	if err != nil {
		return nil, err
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	r := &Receiver{
		path:   path,
		origin: "http://" + u.Host,
		base:   (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String(),
		state:  state,
		nonce:  randomNonce(),
		result: make(chan string, 1),
	}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	for _, ln := range listeners {
		go r.srv.Serve(ln)
	}
	return r, nil
}

// listenAll holds port on every address, or on none: when one is taken it
// lets go of the others and says which program holds it.
func listenAll(addresses []string, port int) ([]net.Listener, error) {
	var held []net.Listener
	for _, addr := range addresses {
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			for _, h := range held {
				h.Close()
			}
			if errors.Is(err, syscallEADDRINUSE) {
				return nil, &PortBusyError{Port: port, Address: addr, Program: portOwner(port)}
			}
			return nil, fmt.Errorf("listen on %s: %w", net.JoinHostPort(addr, strconv.Itoa(port)), err)
		}
		held = append(held, ln)
	}
	return held, nil
}

// hasIPv6Loopback reports whether this computer has the IPv6 loopback
// address ::1. Without it no program can listen there and browsers do not
// go there, so 127.0.0.1 alone is enough for localhost.
func hasIPv6Loopback() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// Wait returns the address the browser was redirected to, query and
// fragment included, once the relay page has posted it.
func (r *Receiver) Wait(ctx context.Context) (string, error) {
	select {
	case got := <-r.result:
		return got, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close stops listening.
func (r *Receiver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return r.srv.Shutdown(ctx)
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if req.URL.EscapedPath() != r.path {
		http.NotFound(w, req)
		return
	}
	switch req.Method {
	case http.MethodGet:
		r.servePage(w)
	case http.MethodPost:
		r.receive(w, req)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// The relay page: it reads its own address, removes it from history at
// once (it may hold a token), and posts it back. Its one script is allowed
// by a nonce; it may connect only to this origin.
var page = template.Must(template.New("relay").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>Partnerdesk sign-in</title>
<style nonce="{{.Nonce}}">body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:64px 40px;background:#f6f6f7;color:#1d1d1f}
@media(prefers-color-scheme:dark){body{background:#1e1e20;color:#eee}}h1{font-size:22px;margin:0 0 8px}</style></head>
<body><h1 id="title">Finishing sign-in…</h1><p id="detail">Partnerdesk is receiving the answer from the sign-in page.</p>
<script nonce="{{.Nonce}}">
(function () {
  var query = location.search.replace(/^\?/, ""), fragment = location.hash.replace(/^#/, "");
  history.replaceState(null, "", location.pathname);
  function show(title, detail) {
    document.getElementById("title").textContent = title;
    document.getElementById("detail").textContent = detail;
  }
  if (!query && !fragment) { show("Nothing to do here", "This page receives the answer of a sign-in started in Partnerdesk."); return; }
  var body = new URLSearchParams();
  body.set("query", query);
  body.set("fragment", fragment);
  fetch(location.pathname, { method: "POST", body: body, credentials: "omit", cache: "no-store" })
    .then(function (r) {
      if (r.ok) show("You can close this tab", "Partnerdesk has the answer and is back in front.");
      else show("Sign-in was not accepted", "Go back to Partnerdesk to see why, and try again there.");
    })
    .catch(function () { show("Partnerdesk did not answer", "Go back to Partnerdesk and try again there."); });
})();
</script></body></html>`))

func (r *Receiver) servePage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy",
		"default-src 'none'; script-src 'nonce-"+r.nonce+"'; style-src 'nonce-"+r.nonce+"'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	page.Execute(w, struct{ Nonce string }{r.nonce})
}

func (r *Receiver) receive(w http.ResponseWriter, req *http.Request) {
	// Only the relay page itself may post: a page of another site would send
	// its own origin (and a non-browser program cannot know the state).
	if req.Header.Get("Origin") != r.origin {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	req.Body = http.MaxBytesReader(w, req.Body, 64<<10)
	if err := req.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	query, fragment := req.PostForm.Get("query"), req.PostForm.Get("fragment")
	if !r.stateMatches(query, fragment) {
		http.Error(w, "this answer does not belong to the sign-in in progress", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		http.Error(w, "this sign-in already received its answer", http.StatusGone)
		return
	}
	r.done = true
	redirect := r.base
	if query != "" {
		redirect += "?" + query
	}
	if fragment != "" {
		redirect += "#" + fragment
	}
	r.result <- redirect
	w.WriteHeader(http.StatusNoContent)
}

// stateMatches looks for the expected state in the query or the fragment.
func (r *Receiver) stateMatches(query, fragment string) bool {
	for _, part := range []string{query, fragment} {
		v, err := url.ParseQuery(part)
		if err != nil {
			continue
		}
		if got := v.Get("state"); got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(r.state)) == 1 {
			return true
		}
	}
	return false
}

func randomNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
