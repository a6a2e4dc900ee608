package desktop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/zalando/go-keyring"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
)

// event is one event the service emitted.
type event struct {
	name    string
	payload any
}

// browsePlatform records what Browse sends to the page and puts on the
// clipboard; Browse needs nothing else of the platform.
type browsePlatform struct {
	Platform // nil: any other call fails the test loudly
	b        *browser
}

func (p browsePlatform) Emit(name string, payload any) {
	b := p.b
	if pg, ok := payload.(ResourcePage); ok && !b.rowsLeft {
		payload = b.fetchRows(pg)
	}
	b.mu.Lock()
	b.events = append(b.events, event{name, payload})
	b.mu.Unlock()
	select {
	case b.more <- struct{}{}:
	default:
	}
}

func (p browsePlatform) CopyText(text string) error {
	p.b.mu.Lock()
	p.b.copied = append(p.b.copied, text)
	p.b.mu.Unlock()
	return nil
}

// shownPage is a "resource:page" event as the page has it once it fetched
// the event's rows.
type shownPage struct {
	ResourcePage
	Rows [][]string
}

// fetchRows fetches an event's rows as the page does, from the rows
// handler over HTTP, at once.
func (b *browser) fetchRows(pg ResourcePage) shownPage {
	shown := shownPage{ResourcePage: pg, Rows: [][]string{}}
	if pg.RowsRef == "" {
		if pg.RowCount != 0 {
			b.t.Errorf("an event of %d rows without a rowsRef", pg.RowCount)
		}
		return shown
	}
	resp, err := http.Get(b.rows.URL + RowsPath + pg.RowsRef)
	if err != nil {
		b.t.Errorf("fetch the rows of %s: %v", pg.RowsRef, err)
		return shown
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.t.Errorf("fetch the rows of %s: %s", pg.RowsRef, resp.Status)
		return shown
	}
	if err := json.NewDecoder(resp.Body).Decode(&shown.Rows); err != nil || len(shown.Rows) != pg.RowCount {
		b.t.Errorf("the rows of %s: %d rows, the event said %d (%v)", pg.RowsRef, len(shown.Rows), pg.RowCount, err)
	}
	return shown
}

// browser is a Browse over temp stores and a sandbox on 127.0.0.1, with the
// events it emits collected instead of sent to a window.
type browser struct {
	t        *testing.T
	browse   *Browse
	store    *profiles.Store
	keychain *vault.Vault
	srv      *sandbox.Server
	rows     *httptest.Server // Browse's rows handler, as the page reaches it
	rowsLeft bool             // record the events as sent; leave their rows in the outbox
	profile  profiles.Profile
	token    string
	rejected []string // profiles TokenRejected was told of

	mu     sync.Mutex
	events []event
	copied []string
	more   chan struct{}
}

func newBrowser(t *testing.T, opts sandbox.Options, scopes string) *browser {
	t.Helper()
	keyring.MockInit()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mock-keyring")
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		t.Setenv(k, t.TempDir())
	}
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	opts.Approve = sandbox.ApproveAuto
	opts.KeyFile = filepath.Join(t.TempDir(), "key")
	srv, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	b := &browser{t: t, srv: srv, store: profiles.NewStore(), keychain: vault.New(), more: make(chan struct{}, 1)}
	service := &signin.Service{Profiles: b.store, Vault: b.keychain}
	b.browse = NewBrowse(BrowseConfig{
		Profile:  b.profileByID,
		Access:   service,
		Platform: browsePlatform{b: b},
		TokenRejected: func(p profiles.Profile) {
			b.mu.Lock()
			b.rejected = append(b.rejected, p.ID)
			b.mu.Unlock()
		},
	})
	t.Cleanup(b.browse.stopAll)
	b.rows = httptest.NewServer(b.browse.rowsHandler())
	t.Cleanup(b.rows.Close)

	err = b.store.Update(func(f *profiles.File) error {
		p, err := f.Add(profiles.Profile{Name: "acme", ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI,
			AuthorizeURL: srv.AuthorizeURL(), APIBaseURL: srv.URL(), Scopes: strings.Fields(scopes)})
		if err != nil {
			return err
		}
		b.profile = *p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scopes != "" {
		b.signIn(scopes)
	}
	return b
}

// profileByID finds a profile in the test's store.
func (b *browser) profileByID(id string) (profiles.Profile, error) {
	f, err := b.store.Load()
	if err != nil {
		return profiles.Profile{}, err
	}
	p, ok := f.Find(id)
	if !ok || p.ID != id {
		return profiles.Profile{}, fmt.Errorf("%w: the profile was removed", profiles.ErrUnknown)
	}
	return *p, nil
}

// signIn stores a sandbox token for the profile, as a sign-in would.
func (b *browser) signIn(scopes string) {
	t := b.t
	q := url.Values{"client_id": {sandbox.ClientID}, "redirect_uri": {sandbox.RedirectURI}, "response_type": {"token"}, "scope": {scopes}, "state": {"s"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(b.srv.AuthorizeURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	frag, _ := url.ParseQuery(loc.Fragment)
	b.token = frag.Get("access_token")
	b.setToken(b.token, strings.Fields(scopes))
}

func (b *browser) setToken(token string, scopes []string) {
	if err := b.keychain.Set(context.Background(), b.profile.ID, token); err != nil {
		b.t.Fatal(err)
	}
	now := time.Now().UTC()
	exp := now.Add(10 * time.Hour)
	b.store.Update(func(f *profiles.File) error {
		p, _ := f.Find(b.profile.ID)
		p.Token = profiles.TokenMeta{SignedIn: true, ObtainedAt: &now, ExpiresAt: &exp, Scopes: scopes}
		return nil
	})
}

// until waits for the job's last event (a done page or an error) and
// returns every event of the job.
func (b *browser) until(jobID string) []event {
	b.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		b.mu.Lock()
		var mine []event
		finished := false
		for _, e := range b.events {
			switch p := e.payload.(type) {
			case shownPage:
				if p.JobID == jobID {
					mine = append(mine, e)
					finished = finished || p.Done
				}
			case ResourcePage: // recorded as sent (b.rowsLeft)
				if p.JobID == jobID {
					mine = append(mine, e)
					finished = finished || p.Done
				}
			case ResourceWait:
				if p.JobID == jobID {
					mine = append(mine, e)
				}
			case ResourceError:
				if p.JobID == jobID {
					mine = append(mine, e)
					finished = true
				}
			default:
				mine = append(mine, e)
			}
		}
		b.mu.Unlock()
		if finished {
			return mine
		}
		select {
		case <-b.more:
		case <-deadline:
			b.t.Fatalf("job %s did not finish; events so far: %+v", jobID, mine)
		}
	}
}

func (b *browser) fetch(resource string, all bool, params map[string]string) []event {
	b.t.Helper()
	id, err := b.browse.FetchResource(b.profile.ID, resource, all, params)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.until(id)
}

// pagesOf sorts a job's pages into saved and live ones. The live rows'
// last page goes out before the list is saved, and a page without rows
// saying the job is done follows the save: it is folded into the page
// before it here, so that live[len-1].Done tells how the job ended.
func pagesOf(events []event) (cached, live []shownPage) {
	for _, e := range events {
		p, ok := e.payload.(shownPage)
		switch {
		case !ok:
		case p.FromCache:
			cached = append(cached, p)
		case p.Done && len(p.Rows) == 0 && len(live) > 0 && !live[len(live)-1].Done:
			live[len(live)-1].Done = true
		default:
			live = append(live, p)
		}
	}
	return cached, live
}

func errorOf(events []event) *ResourceError {
	for _, e := range events {
		if p, ok := e.payload.(ResourceError); ok {
			return &p
		}
	}
	return nil
}

func TestListResourcesSaysWhatTheProfileCanReadNow(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "")
	infos := func() map[string]ResourceInfo {
		list, err := b.browse.ListResources(b.profile.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]ResourceInfo{}
		for _, r := range list {
			m[r.ID] = r
		}
		return m
	}
	before := infos()
	if len(before) != 10 {
		t.Fatalf("%d resources, want the 10 read endpoints", len(before))
	}
	for id, want := range map[string]bool{"v1/zaps": false, "v1/profiles/me": false, "v1/apps": true, "v1/zap-templates": true, "v1/categories": true, "v2/apps": true} {
		if r := before[id]; r.Available != want || (r.Reason == "") == !want {
			t.Errorf("signed out, %s: available %v, reason %q", id, r.Available, r.Reason)
		}
	}
	if r := before["v1/zaps"]; !strings.Contains(r.Reason, "Sign in") || r.Auth != "token" || r.Scope != "zap" || len(r.Columns) != 4 {
		t.Errorf("v1/zaps signed out: %+v", r)
	}
	if r := before["v2/actions"]; len(r.NeedsParams) != 1 || r.NeedsParams[0] != "app" || r.Auth != "either" {
		t.Errorf("v2/actions: %+v", r)
	}

	b.signIn("profile zap")
	after := infos()
	if r := after["v1/zaps"]; !r.Available || r.Reason != "" {
		t.Errorf("signed in, v1/zaps: %+v", r)
	}
	if r := after["v2/zap-runs"]; r.Available || !strings.Contains(r.Reason, `"zap:runs"`) {
		t.Errorf("v2/zap-runs without its scope: %+v", r)
	}
	out, _ := json.Marshal(after)
	if strings.Contains(string(out), b.token) {
		t.Error("ListResources sent the token")
	}
}

// The first page shows at once, the rest in batches (here the last page's
// rows come with the two before them).
func TestFetchStreamsEveryPageThenCachesAndShowsTheCacheFirstNextTime(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 250}, "profile zap")
	events := b.fetch("v1/zaps", true, nil)
	cached, live := pagesOf(events)
	if len(cached) != 0 || len(live) != 2 || len(live[0].Rows) != 100 || len(live[1].Rows) != 150 {
		t.Fatalf("%d cached and %d live pages, want 0 and 100 rows then 150", len(cached), len(live))
	}
	ids := map[string]bool{}
	for i, p := range live {
		for _, r := range p.Rows {
			// id, address, then the columns: title, state, app, modified
			if len(r) != 6 || r[0] == "" || ids[r[0]] || r[2] == "" || !strings.HasPrefix(r[1], b.srv.URL()) {
				t.Fatalf("row %q", r)
			}
			ids[r[0]] = true
		}
		if strings.Join(p.Columns, " ") != "title state apps modified" {
			t.Errorf("page %d: columns %q", i, p.Columns)
		}
		if p.Total == nil || *p.Total != 250 || p.Fetched != len(ids) || p.Done != (i == 1) || p.AsOf != nil {
			t.Errorf("page %d: total %v fetched %d done %v", i, p.Total, p.Fetched, p.Done)
		}
	}

	again := b.fetch("v1/zaps", false, nil)
	cached, live = pagesOf(again)
	if len(cached) != 1 || len(cached[0].Rows) != 250 || cached[0].AsOf == nil || cached[0].Done {
		t.Fatalf("the second fetch's cached pages: %+v", cached)
	}
	if _, err := time.Parse(time.RFC3339, *cached[0].AsOf); err != nil {
		t.Errorf("asOf %q: %v", *cached[0].AsOf, err)
	}
	if len(live) != 1 || len(live[0].Rows) != 100 || !live[0].Done || !live[0].HasMore {
		t.Errorf("the first page only: %d live pages", len(live))
	}
	for _, e := range append(events, again...) {
		out, _ := json.Marshal(e.payload)
		if strings.Contains(string(out), b.token) {
			t.Fatalf("an event carried the token: %s", e.name)
		}
	}
}

func TestOfflineShowsTheCachedRowsThenSaysSo(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 30}, "profile zap")
	b.fetch("v1/zaps", true, nil)
	b.srv.Close()
	events := b.fetch("v1/zaps", false, nil) // Reload
	cached, live := pagesOf(events)
	e := errorOf(events)
	if len(cached) != 1 || len(cached[0].Rows) != 30 || len(live) != 0 || e == nil || e.Kind != "offline" {
		t.Fatalf("cached %d, live %d, error %+v; want the 30 cached rows, then offline", len(cached), len(live), e)
	}
	if !strings.Contains(e.Message, "could not reach") {
		t.Errorf("message %q", e.Message)
	}
}

func TestLoadAllOverRowsFreshFromZapierSendsNoSavedCopy(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 250}, "profile zap")
	b.fetch("v1/zaps", true, nil) // saved whole
	if cached, live := pagesOf(b.fetch("v1/zaps", false, nil)); len(cached) != 1 || len(live) != 1 {
		t.Fatalf("opening the list: %d saved and %d live pages, want the saved copy, then the first page", len(cached), len(live))
	}
	// Load all, with the first page fresh from Zapier on the screen.
	cached, live := pagesOf(b.fetch("v1/zaps", true, nil))
	if len(cached) != 0 {
		t.Errorf("Load all over fresh rows sent the saved copy first (%d rows): it flashes up as saved results", len(cached[0].Rows))
	}
	if len(live) != 2 || live[0].Fetched != 100 || live[1].Fetched != 250 {
		t.Errorf("Load all: %d live pages, want 100 then 250 rows", len(live))
	}
}

func TestEachBatchOfRowsIsFetchedOnceAndGoesWithItsList(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 250}, "profile zap")
	b.rowsLeft = true
	get := func(ref string) (int, [][]string) {
		t.Helper()
		resp, err := http.Get(b.rows.URL + RowsPath + ref)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var rows [][]string
		json.NewDecoder(resp.Body).Decode(&rows)
		return resp.StatusCode, rows
	}
	first := func(events []event) ResourcePage {
		t.Helper()
		for _, e := range events {
			if p, ok := e.payload.(ResourcePage); ok && p.RowsRef != "" {
				return p
			}
		}
		t.Fatalf("no event with rows in %+v", events)
		return ResourcePage{}
	}

	pg := first(b.fetch("v1/zaps", false, nil))
	// The event is a script the web view keeps: no row in it.
	out, _ := json.Marshal(pg)
	if len(out) > 1000 || pg.RowCount != 100 {
		t.Errorf("an event of %d rows is %d bytes: the rows travel in it (%.200s)", pg.RowCount, len(out), out)
	}
	status, rows := get(pg.RowsRef)
	if status != http.StatusOK || len(rows) != 100 || len(rows[0]) != 6 {
		t.Fatalf("the rows of %s: %d, %d rows", pg.RowsRef, status, len(rows))
	}
	if strings.Contains(string(out), rows[0][0]) {
		t.Errorf("the event names a row's id: %s", out)
	}
	if status, _ := get(pg.RowsRef); status != http.StatusNotFound {
		t.Errorf("the rows of %s fetched a second time: %d, want 404 (each batch once)", pg.RowsRef, status)
	}

	// A list released before the page fetched its rows: they go with it.
	pg = first(b.fetch("v1/zaps", false, nil))
	b.browse.ReleaseList(b.profile.ID, "v1/zaps")
	if status, _ := get(pg.RowsRef); status != http.StatusNotFound {
		t.Errorf("the rows of a released list: %d, want 404", status)
	}
	// A reload: the rows of the job it replaces go.
	old := first(b.fetch("v1/zaps", false, nil))
	b.fetch("v1/zaps", false, nil)
	if status, _ := get(old.RowsRef); status != http.StatusNotFound {
		t.Errorf("the rows of a replaced job: %d, want 404", status)
	}
	if resp, err := http.Post(b.rows.URL+RowsPath+"x", "text/plain", nil); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a POST to the rows handler: %v %v, want 404", resp.Status, err)
	}
}

func TestARejectedTokenMarksTheProfileAndSaysSo(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.setToken("sbx_garbage", []string{"profile", "zap"})
	events := b.fetch("v2/zaps", false, nil)
	if e := errorOf(events); e == nil || e.Kind != "token-invalid" {
		t.Fatalf("error %+v, want token-invalid", e)
	}
	b.mu.Lock()
	told := len(b.rejected) == 1 && b.rejected[0] == b.profile.ID
	b.mu.Unlock()
	if !told {
		t.Error("TokenRejected was not told")
	}
	p, _ := b.profileByID(b.profile.ID)
	if !p.Token.Invalid {
		t.Error("the profile's token is not marked invalid")
	}
	// The lists that take a client_id still work.
	if _, live := pagesOf(b.fetch("v2/apps", false, nil)); len(live) != 1 {
		t.Error("v2/apps did not fall back to the client_id")
	}
}

func TestAMissingScopeIsNamed(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	e := errorOf(b.fetch("v2/zap-runs", false, nil))
	if e == nil || e.Kind != "missing-scope" || e.Scope != "zap:runs" || !strings.Contains(e.Message, "zap:runs") {
		t.Fatalf("error %+v", e)
	}
}

func TestAFetchWaitsOutARateLimitVisiblyAndCanBeCancelled(t *testing.T) {
	b := newBrowser(t, sandbox.Options{RateLimit: 1}, "profile zap") // then a minute's wait
	// 200 apps are two pages of 100: the second waits.
	id, err := b.browse.FetchResource(b.profile.ID, "v1/apps", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wait *ResourceWait
	deadline := time.After(30 * time.Second)
	for wait == nil {
		select {
		case <-b.more:
		case <-deadline:
			t.Fatal("no resource:wait came")
		}
		b.mu.Lock()
		for _, e := range b.events {
			if w, ok := e.payload.(ResourceWait); ok && w.JobID == id {
				wait = &w
			}
		}
		b.mu.Unlock()
	}
	if wait.Seconds < 50 || wait.Seconds > 60 || wait.Kind != "rate-limited" || !strings.Contains(wait.Reason, "slow down") || strings.ContainsAny(wait.Reason, "0123456789") {
		t.Errorf("wait %+v", wait)
	}
	b.browse.CancelFetch(id)
	if e := errorOf(b.until(id)); e == nil || e.Kind != "cancelled" {
		t.Errorf("error %+v, want cancelled", e)
	}
}

func TestFetchRefusesWhatItCannotStart(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "")
	if _, err := b.browse.FetchResource(b.profile.ID, "v2/actions", false, nil); err == nil || !strings.Contains(err.Error(), `"app"`) {
		t.Errorf("v2/actions without an app: %v", err)
	}
	if _, err := b.browse.FetchResource(b.profile.ID, "v9/nothing", false, nil); err == nil {
		t.Error("an unknown resource was accepted")
	}
	if _, err := b.browse.FetchResource("p_nobody", "v1/apps", false, nil); err == nil {
		t.Error("an unknown profile was accepted")
	}
	if e := errorOf(b.fetch("v1/zaps", false, nil)); e == nil || e.Kind != "token-invalid" || !strings.Contains(e.Message, "Sign in") {
		t.Errorf("v1/zaps signed out: %+v", e)
	}
}

// The page holds only the table's columns; the item as the API sent it is
// asked for by row id when the detail, JSON or copy needs it.
func TestTheItemsOfTheRowsShownAreAskedForByID(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 150}, "profile zap")
	_, live := pagesOf(b.fetch("v1/zaps", true, nil))
	first, last := live[0].Rows[0][0], live[1].Rows[len(live[1].Rows)-1][0]

	one, err := b.browse.RowJSON(b.profile.ID, "v1/zaps", last)
	if err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	if err := json.Unmarshal([]byte(one), &item); err != nil || fmt.Sprint(item["id"]) != last || item["title"] == nil {
		t.Fatalf("RowJSON of %s: %v %s", last, err, one)
	}
	if !strings.Contains(one, "\n  ") {
		t.Errorf("RowJSON is not indented: %.80s", one)
	}
	many, err := b.browse.RowsJSON(b.profile.ID, "v1/zaps", []string{last, first})
	var items []map[string]any
	if err != nil || json.Unmarshal([]byte(many), &items) != nil || len(items) != 2 || fmt.Sprint(items[0]["id"]) != last {
		t.Fatalf("RowsJSON: %v %.200s", err, many)
	}
	if err := b.browse.CopyRows(b.profile.ID, "v1/zaps", []string{first}, false); err != nil {
		t.Fatal(err)
	}
	if err := b.browse.CopyRows(b.profile.ID, "v1/zaps", []string{first}, true); err != nil {
		t.Fatal(err)
	}
	if len(b.copied) != 2 || !strings.HasPrefix(b.copied[0], "{") || !strings.HasPrefix(b.copied[1], "[") {
		t.Errorf("copied %.100q", b.copied)
	}
	if _, err := b.browse.RowJSON(b.profile.ID, "v1/zaps", "no-such-row"); err == nil {
		t.Error("a row that is not loaded was given")
	}
}

// A list the operator left is forgotten (its items go), and shown again
// from the copy saved on disk without asking Zapier, as live rows.
func TestAReleasedListIsForgottenAndReopensFromTheSavedCopy(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 250}, "profile zap")
	_, live := pagesOf(b.fetch("v1/zaps", true, nil))
	row := live[0].Rows[0][0]
	b.browse.ReleaseList(b.profile.ID, "v1/zaps")
	if _, err := b.browse.RowJSON(b.profile.ID, "v1/zaps", row); err == nil {
		t.Fatal("a released list still gives its rows")
	}

	b.srv.Close() // reopening asks Zapier nothing
	id, err := b.browse.ReopenList(b.profile.ID, "v1/zaps", nil)
	if err != nil {
		t.Fatal(err)
	}
	events := b.until(id)
	cached, live := pagesOf(events)
	if e := errorOf(events); e != nil || len(cached) != 0 || len(live) != 1 || len(live[0].Rows) != 250 || !live[0].Done || live[0].HasMore || live[0].AsOf != nil {
		t.Fatalf("reopened: error %+v, %d cached pages, live %+v", e, len(cached), live)
	}
	if _, err := b.browse.RowJSON(b.profile.ID, "v1/zaps", row); err != nil {
		t.Errorf("the reopened list does not give its rows: %v", err)
	}
}

// A list never loaded whole this session is fetched again on reopening.
func TestReopeningAListNotLoadedWholeFetchesItsFirstPage(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 250}, "profile zap")
	b.fetch("v1/zaps", false, nil)
	b.browse.ReleaseList(b.profile.ID, "v1/zaps")
	id, err := b.browse.ReopenList(b.profile.ID, "v1/zaps", nil)
	if err != nil {
		t.Fatal(err)
	}
	cached, live := pagesOf(b.until(id))
	if len(cached) != 1 || len(live) != 1 || len(live[0].Rows) != 100 || !live[0].HasMore {
		t.Fatalf("%d cached and %d live pages, want the saved copy then the first page", len(cached), len(live))
	}
}

// A big list reopens in pages, as a fetch sends it, not as one event of
// every row; the items of every page are held.
func TestABigListReopensInPages(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 2500}, "profile zap")
	b.fetch("v1/zaps", true, nil)
	b.browse.ReleaseList(b.profile.ID, "v1/zaps")
	id, err := b.browse.ReopenList(b.profile.ID, "v1/zaps", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, live := pagesOf(b.until(id))
	var sizes []int
	for _, pg := range live {
		sizes = append(sizes, len(pg.Rows))
		if pg.Done != (pg.Fetched == 2500) {
			t.Errorf("page up to %d says done %v", pg.Fetched, pg.Done)
		}
	}
	if fmt.Sprint(sizes) != "[1000 1000 500]" {
		t.Fatalf("reopened in pages of %v rows, want [1000 1000 500]", sizes)
	}
	for _, pg := range live {
		if _, err := b.browse.RowJSON(b.profile.ID, "v1/zaps", pg.Rows[len(pg.Rows)-1][0]); err != nil {
			t.Errorf("the last row of the page up to %d is not held: %v", pg.Fetched, err)
		}
	}
}

// A Load all sends the page its rows in batches of at least eventRows, not
// one event per page of the API, and every row once, in order.
func TestLoadAllSendsItsRowsInBatches(t *testing.T) {
	b := newBrowser(t, sandbox.Options{Zaps: 5200}, "profile zap")
	_, live := pagesOf(b.fetch("v1/zaps", true, nil))
	var sizes []int
	n := 0
	for _, pg := range live {
		sizes = append(sizes, len(pg.Rows))
		n += len(pg.Rows)
		if pg.Fetched != n {
			t.Errorf("a page says %d fetched after %d rows", pg.Fetched, n)
		}
	}
	if fmt.Sprint(sizes) != "[100 2500 2500 100]" {
		t.Errorf("rows sent in events of %v, want [100 2500 2500 100]", sizes)
	}
}
