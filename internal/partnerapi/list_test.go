package partnerapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"partnerdesk/internal/sandbox"
)

// allScopes is every scope some endpoint needs.
const allScopes = "profile zap zap:runs authentication"

// startSandbox runs a sandbox on 127.0.0.1 that approves every sign-in, and
// returns it with a token for the scopes.
func startSandbox(t testing.TB, opts sandbox.Options, scopes string) (*sandbox.Server, string) {
	t.Helper()
	opts.Approve = sandbox.ApproveAuto
	if opts.KeyFile == "" {
		opts.KeyFile = filepath.Join(t.TempDir(), "key")
	}
	srv, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, tokenFrom(t, srv.AuthorizeURL(), sandbox.ClientID, sandbox.RedirectURI, scopes)
}

// tokenFrom signs in at an auto-approving sandbox's authorize URL.
func tokenFrom(t testing.TB, authorizeURL, clientID, redirectURI, scopes string) string {
	t.Helper()
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {"token"}, "scope": {scopes}, "state": {"s"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authorizeURL + "?" + q.Encode())
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
		t.Fatalf("sandbox gave no token: status %d, %s", resp.StatusCode, loc)
	}
	return frag.Get("access_token")
}

// collect lists every page of ep and returns the pages.
func collect(t testing.TB, c *Client, ep Endpoint, opts ListOptions) ([]Page, error) {
	t.Helper()
	var pages []Page
	err := c.List(context.Background(), ep, opts, func(p Page) error {
		pages = append(pages, p)
		return nil
	})
	return pages, err
}

func mustEndpoint(t testing.TB, id string) Endpoint {
	t.Helper()
	ep, ok := EndpointByID(id)
	if !ok {
		t.Fatalf("no endpoint %q", id)
	}
	return ep
}

// firstAppID is the id of the first app of the v2 directory: one the
// sandbox user has connected accounts to.
func firstAppID(t testing.TB, c *Client) string {
	t.Helper()
	pages, err := collect(t, c, mustEndpoint(t, "v2/apps"), ListOptions{PageSize: 1})
	if err != nil || len(pages) == 0 || len(pages[0].Items) == 0 {
		t.Fatalf("v2/apps: %v", err)
	}
	return mustEndpoint(t, "v2/apps").Row(pages[0].Items[0]).ID
}

func TestEveryEndpointIsWalkedToItsLastPageWithEveryItemOnce(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 123, Apps: 77, Seed: 3}, allScopes)
	c := &Client{BaseURL: srv.URL(), Token: token, ClientID: sandbox.ClientID}
	app := firstAppID(t, c)

	for _, ep := range Endpoints() {
		t.Run(ep.ID, func(t *testing.T) {
			params := url.Values{}
			for _, p := range ep.Required {
				params.Set(p, app)
			}
			// Small pages, so that every list spans several.
			size := 4
			if len(ep.Required) > 0 {
				size = 1 // an app's actions and accounts are few
			}
			pages, err := collect(t, c, ep, ListOptions{Params: params, PageSize: size, All: true})
			if err != nil {
				t.Fatal(err)
			}
			// The same list in pages as large as the endpoint allows.
			big, err := collect(t, c, ep, ListOptions{Params: params, All: true})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, p := range big {
				for _, it := range p.Items {
					want[ep.Row(it).ID] = true
				}
			}

			seen := map[string]bool{}
			for i, p := range pages {
				if p.Number != i+1 {
					t.Errorf("page %d says it is number %d", i+1, p.Number)
				}
				if last := i == len(pages)-1; p.More == last {
					t.Errorf("page %d of %d: More = %v", i+1, len(pages), p.More)
				}
				for _, it := range p.Items {
					row := ep.Row(it)
					if row.ID == "" {
						t.Fatalf("an item has no id: %s", it)
					}
					if seen[row.ID] {
						t.Fatalf("item %s came twice", row.ID)
					}
					seen[row.ID] = true
					for _, col := range ep.Columns[:1] {
						if row.Cells[col.Key] == "" {
							t.Errorf("item %s has no %s: %s", row.ID, col.Title, it)
						}
					}
					if row.URL != "" && !strings.HasPrefix(row.URL, srv.URL()+"/") {
						t.Errorf("item %s links to %s, not the sandbox", row.ID, row.URL)
					}
				}
				if p.Fetched != len(seen) {
					t.Errorf("page %d: Fetched %d, want %d", i+1, p.Fetched, len(seen))
				}
			}
			if len(seen) == 0 || len(seen) != len(want) {
				t.Errorf("walked %d items in %d pages of %d; %d in pages of %d", len(seen), len(pages), size, len(want), ep.MaxPageSize)
			}
			if total := pages[0].Total; total >= 0 && total != len(seen) {
				t.Errorf("the API said %d items, the pages held %d", total, len(seen))
			}
			if ep.Paging == PagingBareArray && pages[0].Total != -1 {
				t.Errorf("a bare array has no count, yet Total = %d", pages[0].Total)
			}
			if ep.Paging != PagingNone && len(pages) < 2 {
				t.Errorf("%d items came in %d page(s) of %d", len(seen), len(pages), size)
			}
		})
	}
}

func TestTheSandboxSizesAreWhatWasAskedFor(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 40, Apps: 321}, allScopes)
	c := &Client{BaseURL: srv.URL(), Token: token, ClientID: sandbox.ClientID}
	for id, want := range map[string]int{"v1/zaps": 40, "v2/zaps": 40, "v1/apps": 321, "v2/apps": 321} {
		pages, err := collect(t, c, mustEndpoint(t, id), ListOptions{PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if pages[0].Total != want {
			t.Errorf("%s: total %d, want %d", id, pages[0].Total, want)
		}
	}
}

func TestOnlyTheFirstPageComesUnlessAllAreAskedFor(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 30}, "zap")
	c := &Client{BaseURL: srv.URL(), Token: token}
	pages, err := collect(t, c, mustEndpoint(t, "v1/zaps"), ListOptions{PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0].Items) != 10 || !pages[0].More || pages[0].Total != 30 {
		t.Fatalf("got %d pages, first %d items, more %v, total %d; want 1 page of 10 with more of 30",
			len(pages), len(pages[0].Items), pages[0].More, pages[0].Total)
	}
}

func TestTheFiltersOfTheCallerAreKeptOnEveryPage(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{}, "zap")
	c := &Client{BaseURL: srv.URL(), Token: token, ClientID: sandbox.ClientID}
	pages, err := collect(t, c, mustEndpoint(t, "v1/apps"), ListOptions{Params: url.Values{"category": {"forms"}}, PageSize: 3, All: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range pages {
		for _, it := range p.Items {
			n++
			if cat := mustEndpoint(t, "v1/apps").Row(it).Cells["category"]; !strings.Contains(cat, "forms") {
				t.Errorf("an app of category %q came with category=forms", cat)
			}
		}
	}
	if n < 4 || n != pages[0].Total {
		t.Errorf("%d forms apps in %d pages, total %d", n, len(pages), pages[0].Total)
	}
}

// recorder wraps a handler and notes what each request carried.
type recorder struct {
	mu       sync.Mutex
	requests []*http.Request
	next     http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.requests = append(rec.requests, r.Clone(context.Background()))
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) reset() []*http.Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	r := rec.requests
	rec.requests = nil
	return r
}

func TestEachEndpointGetsTheCredentialItTakesAndNoOther(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{}, allScopes)
	rec := &recorder{next: srv.Handler()}
	ts := httptest.NewServer(rec)
	defer ts.Close()
	withToken := &Client{BaseURL: ts.URL, Token: token, ClientID: sandbox.ClientID}
	withoutToken := &Client{BaseURL: ts.URL, ClientID: sandbox.ClientID}
	app := firstAppID(t, withToken)
	rec.reset()

	for _, ep := range Endpoints() {
		for _, c := range []*Client{withToken, withoutToken} {
			name := ep.ID + " with a token"
			if c.Token == "" {
				name = ep.ID + " without one"
			}
			t.Run(name, func(t *testing.T) {
				params := url.Values{}
				for _, p := range ep.Required {
					params.Set(p, app)
				}
				_, err := collect(t, c, ep, ListOptions{Params: params, PageSize: 2, All: true})
				wantToken := c.Token != "" && (ep.Auth == AuthToken || ep.Auth == AuthEither)
				wantClientID := !wantToken && (ep.Auth == AuthClientID || ep.Auth == AuthEither)
				switch {
				case ep.Auth == AuthToken && c.Token == "":
					if !errors.Is(err, ErrTokenRejected) {
						t.Errorf("a token endpoint called without a token: %v, want ErrTokenRejected", err)
					}
				case err != nil:
					t.Fatal(err)
				}
				reqs := rec.reset()
				if len(reqs) == 0 {
					t.Fatal("no request reached the server")
				}
				for _, r := range reqs {
					gotToken := r.Header.Get("Authorization") != ""
					gotClientID := r.URL.Query().Get("client_id") == sandbox.ClientID
					if gotToken != wantToken || gotClientID != wantClientID || r.URL.Query().Has("client_id") != wantClientID {
						t.Errorf("%s: token sent %v, client_id sent %v; want %v, %v", r.URL, gotToken, gotClientID, wantToken, wantClientID)
					}
				}
			})
		}
	}
}

func TestErrorsOfEveryKindReachTheCallerDecoded(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	// A token of a client that the next run no longer registers.
	first, err := sandbox.Start(sandbox.Options{Approve: sandbox.ApproveAuto, KeyFile: keyFile,
		Clients: map[string][]string{"gone": {"https://gone.invalid/cb"}}})
	if err != nil {
		t.Fatal(err)
	}
	orphan := tokenFrom(t, first.AuthorizeURL(), "gone", "https://gone.invalid/cb", allScopes)
	first.Close()

	srv, zapOnly := startSandbox(t, sandbox.Options{KeyFile: keyFile}, "zap")
	profileOnly := tokenFrom(t, srv.AuthorizeURL(), sandbox.ClientID, sandbox.RedirectURI, "profile")
	base := srv.URL()
	app := firstAppID(t, &Client{BaseURL: base, ClientID: sandbox.ClientID})

	cases := []struct {
		name         string
		client       Client
		endpoint     string
		params       url.Values
		wantStatus   int
		wantScope    string
		wantRejected bool // the token
		wantClientID bool // the client_id
		wantV2       bool // a JSON:API error object (title and detail), not a v1 string
	}{
		{"a garbled token on a v1 list", Client{Token: "sbx_garbled"}, "v1/zaps", nil, 401, "", true, false, false},
		{"a garbled token on a v2 list", Client{Token: "sbx_garbled"}, "v2/zaps", nil, 401, "", true, false, true},
		{"a token of an unregistered client on v1", Client{Token: orphan}, "v1/zaps", nil, 403, "", true, false, false},
		{"a token of an unregistered client on v2", Client{Token: orphan}, "v2/zap-runs", nil, 403, "", true, false, true},
		{"no token on a token endpoint", Client{ClientID: sandbox.ClientID}, "v2/authentications", url.Values{"app": {app}}, 401, "", true, false, true},
		{"a token without the scope of a v1 list", Client{Token: profileOnly}, "v1/zaps", nil, 403, "zap", false, false, false},
		{"a token without the scope of a v2 list", Client{Token: zapOnly}, "v2/zap-runs", nil, 403, "zap:runs", false, false, true},
		{"one of several scopes would do", Client{Token: profileOnly}, "v2/zaps", nil, 403, "zap", false, false, true},
		{"an either endpoint's token without its scope", Client{Token: profileOnly, ClientID: sandbox.ClientID}, "v2/apps", nil, 403, "zap", false, false, true},
		{"no client_id on a v1 client_id endpoint", Client{}, "v1/zap-templates", nil, 401, "", false, true, false},
		{"an unknown client_id on v1", Client{ClientID: "nobody"}, "v1/apps", nil, 401, "", false, true, false},
		{"an unknown client_id on v2", Client{ClientID: "nobody"}, "v2/actions", url.Values{"app": {app}}, 401, "", false, true, true},
		{"an unknown app", Client{ClientID: sandbox.ClientID}, "v2/actions", url.Values{"app": {"00000000-0000-4000-8000-000000000000"}}, 404, "", false, false, true},
		{"a bad parameter on v1", Client{Token: zapOnly}, "v1/zaps", url.Values{"offset": {"-1"}}, 400, "", false, false, false},
		{"a bad parameter on v2", Client{Token: zapOnly}, "v2/zaps", url.Values{"limit": {"many"}}, 400, "", false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := c.client
			client.BaseURL = base
			pages, err := collect(t, &client, mustEndpoint(t, c.endpoint), ListOptions{Params: c.params, All: true})
			if len(pages) != 0 {
				t.Errorf("the caller got %d pages before the error", len(pages))
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got %v, want an APIError", err)
			}
			if apiErr.Status != c.wantStatus || apiErr.Scope != c.wantScope {
				t.Errorf("status %d scope %q, want %d %q (%v)", apiErr.Status, apiErr.Scope, c.wantStatus, c.wantScope, apiErr)
			}
			if got := errors.Is(err, ErrTokenRejected); got != c.wantRejected {
				t.Errorf("ErrTokenRejected: %v, want %v (%v)", got, c.wantRejected, err)
			}
			if got := errors.Is(err, ErrClientIDRejected); got != c.wantClientID {
				t.Errorf("ErrClientIDRejected: %v, want %v (%v)", got, c.wantClientID, err)
			}
			// v2 objects give a title and a detail; v1 bodies one string.
			if n := len(apiErr.Messages); (c.wantV2 && n != 2) || (!c.wantV2 && n != 1) {
				t.Errorf("messages %q: %d of them, want %d", apiErr.Messages, n, map[bool]int{true: 2, false: 1}[c.wantV2])
			}
		})
	}
}

func TestARequiredParameterIsAskedForBeforeAnyRequest(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer ts.Close()
	_, err := collect(t, &Client{BaseURL: ts.URL, ClientID: "c"}, mustEndpoint(t, "v2/actions"), ListOptions{})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "app" {
		t.Fatalf("got %v, want a ParamError for app", err)
	}
	if calls.Load() != 0 {
		t.Error("the client called the API anyway")
	}
}

func TestA429IsWaitedOutAsRetryAfterSaysAndTheListCompletes(t *testing.T) {
	// 26 categories in pages of 3 is 9 requests; the sandbox answers 4 a
	// second, then 429 with Retry-After: 1.
	srv, _ := startSandbox(t, sandbox.Options{RateLimit: 4, RateWindow: time.Second}, "")
	var waits []Wait
	c := &Client{BaseURL: srv.URL(), OnWait: func(w Wait) { waits = append(waits, w) }}
	pages, err := collect(t, c, mustEndpoint(t, "v1/categories"), ListOptions{PageSize: 3, All: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range pages {
		for _, it := range p.Items {
			ids[mustEndpoint(t, "v1/categories").Row(it).ID] = true
		}
	}
	if len(ids) != pages[0].Total || len(pages) != (pages[0].Total+2)/3 {
		t.Errorf("%d distinct items in %d pages, total %d", len(ids), len(pages), pages[0].Total)
	}
	if len(waits) == 0 {
		t.Fatal("the client never waited, so the rate limit was never hit")
	}
	for _, w := range waits {
		var apiErr *APIError
		if w.Reason != WaitRateLimited || w.For != time.Second || !errors.As(w.Err, &apiErr) || apiErr.Status != 429 {
			t.Errorf("wait %+v, want a 1 s rate-limit wait for a 429", w)
		}
	}
}

func TestA429WaitIsSixtySecondsWhenUnsaidAndCappedAtFiveMinutes(t *testing.T) {
	cases := map[string]time.Duration{
		"":        DefaultRateLimitWait,
		"3600":    MaxWait,
		"7":       7 * time.Second,
		"garbage": DefaultRateLimitWait,
		time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat): 90 * time.Second,
	}
	for header, want := range cases {
		t.Run(fmt.Sprintf("Retry-After %q", header), func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if header != "" {
					w.Header().Set("Retry-After", header)
				}
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer ts.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var got Wait
			c := &Client{BaseURL: ts.URL, OnWait: func(w Wait) { got = w; cancel() }}
			err := c.List(ctx, mustEndpoint(t, "v1/categories"), ListOptions{}, func(Page) error { return nil })
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want the cancelled wait", err)
			}
			// An HTTP date is read against the clock: allow a second either way.
			if d := got.For - want; got.Reason != WaitRateLimited || d < -time.Second || d > time.Second {
				t.Errorf("waited %v (%s), want %v", got.For, got.Reason, want)
			}
		})
	}
}

// failing answers the first n requests with status, then passes them on.
func failing(n int, status int, next http.Handler) (http.Handler, *atomic.Int32) {
	var seen atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(seen.Add(1)) <= n {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(`{"errors":[{"status":` + fmt.Sprint(status) + `,"code":"error","title":"APIException","detail":"A made-up fault."}]}`))
			return
		}
		next.ServeHTTP(w, r)
	}), &seen
}

func TestServerFaultsAreRetriedWithBackoffThenGivenUp(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 12}, "zap")
	ep := mustEndpoint(t, "v2/zaps")

	t.Run("two 503s, then an answer", func(t *testing.T) {
		h, seen := failing(2, http.StatusServiceUnavailable, srv.Handler())
		ts := httptest.NewServer(h)
		defer ts.Close()
		var waits []Wait
		c := &Client{BaseURL: ts.URL, Token: token, Backoff: time.Millisecond, OnWait: func(w Wait) { waits = append(waits, w) }}
		pages, err := collect(t, c, ep, ListOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if pages[0].Fetched != 12 || seen.Load() != 3 {
			t.Errorf("%d items after %d requests, want 12 after 3", pages[0].Fetched, seen.Load())
		}
		if len(waits) != 2 || waits[0].For != time.Millisecond || waits[1].For != 2*time.Millisecond ||
			waits[0].Try != 2 || waits[1].Try != 3 || waits[1].Tries != DefaultTries || waits[0].Reason != WaitRetry {
			t.Errorf("waits %+v, want 1 ms before try 2 and 2 ms before try 3 of 3", waits)
		}
	})
	t.Run("a 500 every time", func(t *testing.T) {
		h, seen := failing(1000, http.StatusInternalServerError, srv.Handler())
		ts := httptest.NewServer(h)
		defer ts.Close()
		c := &Client{BaseURL: ts.URL, Token: token, Backoff: time.Millisecond, Tries: 4}
		_, err := collect(t, c, ep, ListOptions{All: true})
		var gaveUp *GaveUpError
		var apiErr *APIError
		if !errors.As(err, &gaveUp) || gaveUp.Tries != 4 || !errors.As(err, &apiErr) || apiErr.Status != 500 {
			t.Fatalf("got %v, want a GaveUpError after 4 tries of a 500", err)
		}
		if seen.Load() != 4 {
			t.Errorf("%d requests, want 4", seen.Load())
		}
		if !strings.Contains(err.Error(), "gave up after 4 tries") {
			t.Errorf("the error %q does not say it gave up", err)
		}
	})
	t.Run("a 400 is not retried", func(t *testing.T) {
		h, seen := failing(1, http.StatusBadRequest, srv.Handler())
		ts := httptest.NewServer(h)
		defer ts.Close()
		_, err := collect(t, &Client{BaseURL: ts.URL, Token: token, Backoff: time.Millisecond}, ep, ListOptions{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 400 || seen.Load() != 1 {
			t.Fatalf("got %v after %d requests, want the 400 after 1", err, seen.Load())
		}
	})
}

func TestATimeOutIsRetried(t *testing.T) {
	srv, _ := startSandbox(t, sandbox.Options{}, "")
	release := make(chan struct{})
	defer close(release)
	var seen atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == 1 {
			select { // the first request hangs past the client's time-out
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	var waits []Wait
	c := &Client{BaseURL: ts.URL, HTTP: &http.Client{Timeout: 200 * time.Millisecond}, Backoff: time.Millisecond,
		OnWait: func(w Wait) { waits = append(waits, w) }}
	pages, err := collect(t, c, mustEndpoint(t, "v1/categories"), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var netErr *NetworkError
	if len(pages) != 1 || len(waits) != 1 || !errors.As(waits[0].Err, &netErr) || !netErr.Timeout() {
		t.Errorf("%d pages, waits %+v; want one page after one wait for a time-out", len(pages), waits)
	}
}

func TestCancellingStopsTheListMidWay(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 250}, "zap")
	c := &Client{BaseURL: srv.URL(), Token: token}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages []Page
	err := c.List(ctx, mustEndpoint(t, "v1/zaps"), ListOptions{PageSize: 10, All: true}, func(p Page) error {
		pages = append(pages, p)
		if len(pages) == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if len(pages) != 3 || pages[2].Fetched != 30 {
		t.Errorf("the caller got %d pages after cancelling at the third", len(pages))
	}

	t.Run("during a rate-limit wait", func(t *testing.T) {
		srv, _ := startSandbox(t, sandbox.Options{RateLimit: 1}, "") // a minute's wait after the first page
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var waited Wait
		c := &Client{BaseURL: srv.URL(), OnWait: func(w Wait) { waited = w; cancel() }}
		n := 0
		err := c.List(ctx, mustEndpoint(t, "v1/categories"), ListOptions{PageSize: 5, All: true}, func(Page) error { n++; return nil })
		if !errors.Is(err, context.Canceled) || n != 1 || waited.Reason != WaitRateLimited || waited.For < 50*time.Second {
			t.Errorf("got %v after %d pages, wait %+v; want cancelled after 1 page in a wait of about a minute", err, n, waited)
		}
	})
	t.Run("by the caller's callback", func(t *testing.T) {
		stop := errors.New("enough")
		err := c.List(context.Background(), mustEndpoint(t, "v1/zaps"), ListOptions{PageSize: 10, All: true}, func(Page) error { return stop })
		if err != stop {
			t.Errorf("got %v, want the callback's error", err)
		}
	})
}

func TestTheTokenIsNeverLoggedNorInAnError(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 20, RateLimit: 3, RateWindow: time.Second}, "zap")
	h, _ := failing(1, http.StatusBadGateway, srv.Handler())
	ts := httptest.NewServer(h)
	defer ts.Close()
	var logged bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []error
	c := &Client{BaseURL: ts.URL, Token: token, ClientID: sandbox.ClientID, Log: logger, Backoff: time.Millisecond,
		OnWait: func(w Wait) { errs = append(errs, w.Err) }}
	if _, err := collect(t, c, mustEndpoint(t, "v1/zaps"), ListOptions{PageSize: 4, All: true}); err != nil {
		t.Fatal(err)
	}
	bad := &Client{BaseURL: ts.URL, Token: token + "x", Log: logger}
	_, err := collect(t, bad, mustEndpoint(t, "v2/zaps"), ListOptions{})
	errs = append(errs, err)
	if logged.Len() == 0 {
		t.Fatal("nothing was logged: the test proves nothing")
	}
	for _, form := range []string{token, url.QueryEscape(token), token[len(token)-12:]} {
		if strings.Contains(logged.String(), form) {
			t.Errorf("the log holds the token:\n%s", logged.String())
		}
		for _, e := range errs {
			if e != nil && strings.Contains(e.Error(), form) {
				t.Errorf("an error holds the token: %v", e)
			}
		}
	}
}

func TestPagingStylesEdgeCases(t *testing.T) {
	type answer struct {
		status int
		body   string
	}
	cases := []struct {
		name      string
		endpoint  string
		pageSize  int
		answers   map[string]answer // by the request's query, sorted (url.Values.Encode)
		wantItems int
		wantErr   error
	}{
		{
			"a bare array whose last page is full is followed by an empty one", "v1/zap-templates", 2,
			map[string]answer{
				"client_id=c&limit=2":          {200, `[{"id":1},{"id":2}]`},
				"client_id=c&limit=2&offset=2": {200, `[{"id":3},{"id":4}]`},
				"client_id=c&limit=2&offset=4": {200, `[]`},
			}, 4, nil,
		},
		{
			"a v2 envelope with previous instead of prev", "v2/apps", 2,
			map[string]answer{
				"limit=2":          {200, `{"links":{"next":"/v2/apps?limit=2&offset=2","previous":null},"meta":{"count":3,"offset":0,"limit":2},"data":[{"id":"a"},{"id":"b"}]}`},
				"limit=2&offset=2": {200, `{"links":{"next":null,"previous":"/v2/apps?limit=2&offset=0"},"meta":{"count":3,"offset":2,"limit":2},"data":[{"id":"c"}]}`},
			}, 3, nil,
		},
		{
			"a v2 envelope without links goes on by its count", "v2/apps", 2,
			map[string]answer{
				"limit=2":          {200, `{"meta":{"count":3,"offset":0,"limit":2},"data":[{"id":"a"},{"id":"b"}]}`},
				"limit=2&offset=2": {200, `{"meta":{"count":3,"offset":2,"limit":2},"data":[{"id":"c"}]}`},
			}, 3, nil,
		},
		{
			"a page list without next_url goes on by its page count", "v1/apps", 1,
			map[string]answer{
				"client_id=c&per_page=1":        {200, `{"total":2,"page":1,"pages":2,"per_page":1,"objects":[{"uuid":"x"}]}`},
				"client_id=c&page=2&per_page=1": {200, `{"total":2,"page":2,"pages":2,"per_page":1,"objects":[{"uuid":"y"}]}`},
			}, 2, nil,
		},
		{
			"a server that repeats its page is caught", "v1/zaps", 1,
			map[string]answer{
				"limit=1":          {200, `{"count":9,"next":"/v1/zaps?limit=1&offset=1","objects":[{"id":1}]}`},
				"limit=1&offset=1": {200, `{"count":9,"next":"/v1/zaps?limit=1&offset=2","objects":[{"id":1}]}`},
			}, 1, ErrPagingLoop,
		},
		{
			"an answer of the wrong shape is an error", "v1/zaps", 1,
			map[string]answer{"limit=1": {200, `[1,2,3]`}}, 0, &BadResponseError{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a, ok := c.answers[r.URL.Query().Encode()]
				if !ok {
					t.Errorf("unexpected request %s", r.URL)
					w.WriteHeader(404)
					return
				}
				w.WriteHeader(a.status)
				w.Write([]byte(a.body))
			}))
			defer ts.Close()
			pages, err := collect(t, &Client{BaseURL: ts.URL, Token: "t", ClientID: "c"}, mustEndpoint(t, c.endpoint), ListOptions{PageSize: c.pageSize, All: true})
			switch want := c.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
			case *BadResponseError:
				if !errors.As(err, &want) {
					t.Fatalf("got %v, want a BadResponseError", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want %v", err, want)
				}
			}
			n := 0
			for _, p := range pages {
				n += len(p.Items)
			}
			if n != c.wantItems {
				t.Errorf("got %d items, want %d", n, c.wantItems)
			}
		})
	}
}

func TestANextLinkToAnotherHostIsFollowedOnTheAPIHostOnly(t *testing.T) {
	var hosts []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		if r.URL.Query().Get("offset") == "" {
			w.Write([]byte(`{"count":2,"next":"http://elsewhere.invalid:9/v1/zaps?limit=1&offset=1","objects":[{"id":1}]}`))
			return
		}
		w.Write([]byte(`{"count":2,"next":null,"objects":[{"id":2}]}`))
	}))
	defer ts.Close()
	pages, err := collect(t, &Client{BaseURL: ts.URL, Token: "t"}, mustEndpoint(t, "v1/zaps"), ListOptions{PageSize: 1, All: true})
	if err != nil || len(pages) != 2 {
		t.Fatalf("got %d pages, %v", len(pages), err)
	}
	want := strings.TrimPrefix(ts.URL, "http://")
	for _, h := range hosts {
		if h != want {
			t.Errorf("a request went to %s, not %s", h, want)
		}
	}
}

func TestRowsHoldTheUsefulColumns(t *testing.T) {
	srv, token := startSandbox(t, sandbox.Options{Zaps: 5}, allScopes)
	c := &Client{BaseURL: srv.URL(), Token: token, ClientID: sandbox.ClientID}
	pages, err := collect(t, c, mustEndpoint(t, "v1/zaps"), ListOptions{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	var zap struct {
		ID         json.Number `json:"id"`
		Title      string      `json:"title"`
		State      string      `json:"state"`
		URL        string      `json:"url"`
		ModifiedAt string      `json:"modified_at"`
	}
	raw := pages[0].Items[0]
	if err := json.Unmarshal(raw, &zap); err != nil {
		t.Fatal(err)
	}
	row := mustEndpoint(t, "v1/zaps").Row(raw)
	if row.ID != zap.ID.String() || row.URL != zap.URL || row.Cells["title"] != zap.Title ||
		row.Cells["state"] != zap.State || row.Cells["modified"] != zap.ModifiedAt || !strings.Contains(row.Cells["apps"], "Sandbox CRM") {
		t.Errorf("row %+v does not match the zap %s", row, raw)
	}
	if got := mustEndpoint(t, "v1/zaps").Row(json.RawMessage(`"not an object"`)); got.ID != "" || got.Cells["title"] != "" {
		t.Errorf("a non-object gave the row %+v", got)
	}
}

func TestCheckChoosesTheCredentialAsTheAppDoes(t *testing.T) {
	cases := []struct {
		endpoint string
		access   Access
		want     Credential
		wantErr  string
	}{
		{"v1/zaps", Access{ClientID: "c", Token: true, Scopes: []string{"zap"}}, CredentialToken, ""},
		{"v1/zaps", Access{ClientID: "c", Token: true}, CredentialToken, ""}, // scopes unknown: try
		{"v1/zaps", Access{ClientID: "c"}, "", "needs a signed-in token"},
		{"v1/zaps", Access{ClientID: "c", Token: true, Scopes: []string{"profile"}}, "", `"zap" scope`},
		{"v2/zaps", Access{Token: true, Scopes: []string{"zap:all"}}, CredentialToken, ""},
		{"v2/apps", Access{ClientID: "c", Token: true, Scopes: []string{"zap"}}, CredentialToken, ""},
		{"v2/apps", Access{ClientID: "c", Token: true, Scopes: []string{"profile"}}, CredentialClientID, ""},
		{"v2/apps", Access{ClientID: "c"}, CredentialClientID, ""},
		{"v1/apps", Access{ClientID: "c", Token: true}, CredentialClientID, ""},
		{"v1/apps", Access{}, "", "client_id was rejected"},
		{"v1/categories", Access{}, CredentialNone, ""},
		{"v2/authentications", Access{Token: true, Scopes: []string{"connection:read"}}, CredentialToken, ""},
	}
	for _, c := range cases {
		got, err := mustEndpoint(t, c.endpoint).Check(c.access)
		if got != c.want || (err == nil) != (c.wantErr == "") || (err != nil && !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%s with %+v: %q, %v; want %q, %q", c.endpoint, c.access, got, err, c.want, c.wantErr)
		}
	}
}

// BenchmarkFetchAll10000Zaps lists 10,000 sandbox Zaps at 100 a page, over
// real HTTP on 127.0.0.1: 100 requests per iteration.
func BenchmarkFetchAll10000Zaps(b *testing.B) {
	srv, token := startSandbox(b, sandbox.Options{Zaps: 10000}, "zap")
	c := &Client{BaseURL: srv.URL(), Token: token}
	ep := mustEndpoint(b, "v1/zaps")
	for b.Loop() {
		n := 0
		err := c.List(context.Background(), ep, ListOptions{PageSize: 100, All: true}, func(p Page) error {
			n = p.Fetched
			return nil
		})
		if err != nil || n != 10000 {
			b.Fatalf("fetched %d zaps: %v", n, err)
		}
	}
}

// BenchmarkRowsOf10000Zaps turns 10,000 raw Zaps into table rows, as the app
// does before it sends them to the window.
func BenchmarkRowsOf10000Zaps(b *testing.B) {
	srv, token := startSandbox(b, sandbox.Options{Zaps: 10000}, "zap")
	c := &Client{BaseURL: srv.URL(), Token: token}
	ep := mustEndpoint(b, "v1/zaps")
	var items []json.RawMessage
	if err := c.List(context.Background(), ep, ListOptions{All: true}, func(p Page) error {
		items = append(items, p.Items...)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, it := range items {
			ep.Row(it)
		}
	}
}

// endlessZaps serves /v1/zaps on 127.0.0.1 as a list that never ends: page
// at offset N holds limit items with ids N, N+1, ... and a next link to the
// following offset, unless page says otherwise. It counts the requests.
func endlessZaps(t *testing.T, page func(offset, limit int) string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if n > 50 {
			// A bound of its own, should List not stop.
			w.WriteHeader(http.StatusGone)
			return
		}
		var offset, limit int
		fmt.Sscan(r.URL.Query().Get("offset"), &offset)
		fmt.Sscan(r.URL.Query().Get("limit"), &limit)
		if body := page(offset, limit); body != "" {
			w.Write([]byte(body))
			return
		}
		var items []string
		for i := range limit {
			items = append(items, fmt.Sprintf(`{"id":%d}`, offset+i))
		}
		fmt.Fprintf(w, `{"count":null,"next":"/v1/zaps?limit=%d&offset=%d","objects":[%s]}`, limit, offset+limit, strings.Join(items, ","))
	}))
	t.Cleanup(ts.Close)
	return ts, &requests
}

// listZaps lists /v1/zaps of ts with every page followed and the bounds
// given, and returns the items handed over and the error.
func listZaps(t *testing.T, ts *httptest.Server, opts ListOptions) (int, error) {
	t.Helper()
	opts.All = true
	pages, err := collect(t, &Client{BaseURL: ts.URL, Token: "t"}, mustEndpoint(t, "v1/zaps"), opts)
	n := 0
	for _, p := range pages {
		n += len(p.Items)
	}
	return n, err
}

// pagingError checks that err is a *PagingError for reason and returns it.
func pagingError(t *testing.T, err, reason error) *PagingError {
	t.Helper()
	var pe *PagingError
	if !errors.As(err, &pe) || !errors.Is(err, reason) {
		t.Fatalf("got %v, want a PagingError for %q", err, reason)
	}
	return pe
}

func TestANextLinkThatComesBackStopsTheList(t *testing.T) {
	cases := []struct {
		name      string
		next      func(offset int) int // the offset page offset links to
		wantPages int
	}{
		{"a page that links to itself", func(int) int { return 0 }, 1},
		{"two pages that link to each other", func(offset int) int { return 1 - offset }, 2},
		{"a later page that links back to the first", func(offset int) int { return (offset + 1) % 3 }, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			// Each answer holds new items, so only the link gives the loop
			// away. The links put their parameters in another order than
			// the first request did.
			ts, requests := endlessZaps(t, func(offset, limit int) string {
				calls++
				link := "/v1/zaps?limit=1"
				if next := c.next(offset); next > 0 {
					link = fmt.Sprintf("/v1/zaps?offset=%d&limit=1", next)
				}
				return fmt.Sprintf(`{"count":null,"next":%q,"objects":[{"id":%d}]}`, link, 1000+calls)
			})
			n, err := listZaps(t, ts, ListOptions{PageSize: 1})
			pe := pagingError(t, err, ErrPagingLoop)
			if got := requests.Load(); got != int64(c.wantPages) || pe.Pages != c.wantPages || n != c.wantPages {
				t.Errorf("%d requests, %d pages and %d items in the error, %d items handed over; want %d of each", got, pe.Pages, n, pe.Items, c.wantPages)
			}
			want := fmt.Sprintf("Zapier kept sending the same page; stopped after %s and %s", amount(c.wantPages, "page"), amount(c.wantPages, "row"))
			if pe.Error() != want {
				t.Errorf("message %q, want %q", pe.Error(), want)
			}
		})
	}
}

func TestEmptyPagesThatSayMoreFollowStopTheListAfterThreeInARow(t *testing.T) {
	ts, requests := endlessZaps(t, func(offset, limit int) string {
		return fmt.Sprintf(`{"count":null,"next":"/v1/zaps?limit=%d&offset=%d","objects":[]}`, limit, offset+1)
	})
	n, err := listZaps(t, ts, ListOptions{PageSize: 5})
	pe := pagingError(t, err, ErrPagingLoop)
	if got := requests.Load(); got != maxEmptyPages || pe.Pages != maxEmptyPages || n != 0 {
		t.Errorf("%d requests, %d pages in the error, %d items; want %d, %d, 0", got, pe.Pages, n, maxEmptyPages, maxEmptyPages)
	}
	if !strings.Contains(pe.Error(), "empty pages") {
		t.Errorf("message %q does not say the pages were empty", pe.Error())
	}
}

func TestEmptyPagesBetweenFullOnesAreFollowed(t *testing.T) {
	// Two empty pages, a full one, two empty ones again, then the end: never
	// three empty pages in a row.
	ts, _ := endlessZaps(t, func(offset, limit int) string {
		switch offset {
		case 0, 1, 3, 4:
			return fmt.Sprintf(`{"count":null,"next":"/v1/zaps?limit=1&offset=%d","objects":[]}`, offset+1)
		case 2:
			return `{"count":null,"next":"/v1/zaps?limit=1&offset=3","objects":[{"id":2}]}`
		}
		return `{"count":null,"next":null,"objects":[{"id":5}]}`
	})
	if n, err := listZaps(t, ts, ListOptions{PageSize: 1}); err != nil || n != 2 {
		t.Errorf("got %d items, %v; want 2 and no error", n, err)
	}
}

func TestAListLongerThanItsBoundsStopsThereAndSaysSo(t *testing.T) {
	cases := []struct {
		name                  string
		opts                  ListOptions
		wantRequests, wantN   int
		wantMessage           string
		reason                error
		wantPagesInTheMessage int
	}{
		{"the page bound", ListOptions{PageSize: 3, MaxPages: 4}, 4, 12,
			"the list has more than 4 pages; stopped after 4 pages and 12 rows", ErrListTooLong, 4},
		{"the item bound cuts the page that goes past it", ListOptions{PageSize: 3, MaxItems: 7}, 3, 7,
			"the list has more than 7 rows; stopped after 3 pages and 7 rows", ErrListTooLong, 3},
		{"the item bound reached at the end of a page", ListOptions{PageSize: 3, MaxItems: 6}, 2, 6,
			"the list has more than 6 rows; stopped after 2 pages and 6 rows", ErrListTooLong, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, requests := endlessZaps(t, func(int, int) string { return "" })
			n, err := listZaps(t, ts, c.opts)
			pe := pagingError(t, err, c.reason)
			if got := requests.Load(); got != int64(c.wantRequests) || n != c.wantN || pe.Items != c.wantN || pe.Pages != c.wantPagesInTheMessage {
				t.Errorf("%d requests, %d items handed over, error %+v; want %d requests and %d items", got, n, pe, c.wantRequests, c.wantN)
			}
			if pe.Error() != c.wantMessage {
				t.Errorf("message %q, want %q", pe.Error(), c.wantMessage)
			}
		})
	}
}

func TestAListThatEndsExactlyAtItsBoundsIsWhole(t *testing.T) {
	ts, _ := endlessZaps(t, func(offset, limit int) string {
		if offset == 3 {
			return `{"count":6,"next":null,"objects":[{"id":3},{"id":4},{"id":5}]}`
		}
		return ""
	})
	if n, err := listZaps(t, ts, ListOptions{PageSize: 3, MaxPages: 2, MaxItems: 6}); err != nil || n != 6 {
		t.Errorf("got %d items, %v; want the whole list of 6 and no error", n, err)
	}
}

func TestTheDefaultBoundsAreTenThousandPagesAndAMillionRows(t *testing.T) {
	pages, items := ListOptions{}.bounds()
	if pages != 10_000 || items != 1_000_000 {
		t.Errorf("default bounds %d pages and %d items, want 10,000 and 1,000,000", pages, items)
	}
	if DefaultMaxPages != 10_000 || DefaultMaxItems != 1_000_000 {
		t.Errorf("DefaultMaxPages %d, DefaultMaxItems %d", DefaultMaxPages, DefaultMaxItems)
	}
	e := &PagingError{Reason: ErrListTooLong, What: "the list has more than " + amount(DefaultMaxItems, "row"), Pages: 10_000, Items: 1_000_000}
	if want := "the list has more than 1,000,000 rows; stopped after 10,000 pages and 1,000,000 rows"; e.Error() != want {
		t.Errorf("message %q, want %q", e.Error(), want)
	}
}

func TestALastPageThatGoesPastTheItemBoundIsCutAndSaysSo(t *testing.T) {
	ts, _ := endlessZaps(t, func(offset, limit int) string {
		return `{"count":3,"next":null,"objects":[{"id":0},{"id":1},{"id":2}]}`
	})
	n, err := listZaps(t, ts, ListOptions{PageSize: 3, MaxItems: 2})
	pe := pagingError(t, err, ErrListTooLong)
	if n != 2 || pe.Items != 2 {
		t.Errorf("%d items handed over, %d in the error; want 2", n, pe.Items)
	}
}
