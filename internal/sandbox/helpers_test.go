package sandbox

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// start runs a sandbox on 127.0.0.1 with its key in a temp dir (unless
// opts.KeyFile is set) and closes it when the test ends.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.KeyFile == "" {
		opts.KeyFile = filepath.Join(t.TempDir(), "sandbox.key")
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// noFollow is a client that shows redirects instead of following them.
var noFollow = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// authorizeQuery is a valid authorize request of the built-in client.
func authorizeQuery(scope, state string) url.Values {
	v := url.Values{
		"client_id":     {ClientID},
		"redirect_uri":  {RedirectURI},
		"response_type": {"token"},
	}
	if scope != "" {
		v.Set("scope", scope)
	}
	if state != "" {
		v.Set("state", state)
	}
	return v
}

// encodeQuery encodes like the app does: spaces as %20.
func encodeQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}

func get(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	resp, err := noFollow.Get(rawURL)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	return resp, readBody(t, resp)
}

func authorize(t *testing.T, s *Server, v url.Values) (*http.Response, string) {
	t.Helper()
	return get(t, s.AuthorizeURL()+"?"+encodeQuery(v))
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

// redirectParams splits a Location into its query and fragment parameters.
func redirectParams(t *testing.T, loc string) (query, fragment url.Values) {
	t.Helper()
	rest, frag, _ := strings.Cut(loc, "#")
	_, q, _ := strings.Cut(rest, "?")
	query, err := url.ParseQuery(q)
	if err != nil {
		t.Fatalf("query of %q: %v", loc, err)
	}
	fragment, err = url.ParseQuery(frag)
	if err != nil {
		t.Fatalf("fragment of %q: %v", loc, err)
	}
	return query, fragment
}

// tokenFor signs in through an ApproveAuto sandbox and returns the token.
func tokenFor(t *testing.T, s *Server, scope string) string {
	t.Helper()
	resp, _ := authorize(t, s, authorizeQuery(scope, "st"))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	_, frag := redirectParams(t, resp.Header.Get("Location"))
	tok := frag.Get("access_token")
	if tok == "" {
		t.Fatalf("authorize: no access_token in %v", frag)
	}
	return tok
}

// apiGet calls the API with token ("" sends no Authorization header).
func apiGet(t *testing.T, rawURL, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	return resp, readBody(t, resp)
}

// v1Errors decodes a v1 error body, failing when it is not one.
func v1Errors(t *testing.T, body string) []string {
	t.Helper()
	var e struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("not a v1 error body: %q (%v)", body, err)
	}
	return e.Errors
}

// v2ErrorBody is one JSON:API error object of a v2 error body.
type v2ErrorBody struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// v2Errors decodes a v2 error body, failing when it is not one.
func v2Errors(t *testing.T, body string) []v2ErrorBody {
	t.Helper()
	var e struct {
		Errors []v2ErrorBody `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Errors) == 0 || e.Errors[0].Status == 0 || e.Errors[0].Title == "" {
		t.Fatalf("not a v2 error body: %q (%v)", body, err)
	}
	return e.Errors
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// consentForm returns the hidden fields of a consent page.
func consentForm(t *testing.T, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Add(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("csrf") == "" {
		t.Fatalf("no consent form in page:\n%s", page)
	}
	return form
}

// postForm submits a consent form as the sign-in window would.
func postForm(t *testing.T, s *Server, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.AuthorizeURL(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL())
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	return resp, readBody(t, resp)
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
