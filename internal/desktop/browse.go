package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"partnerdesk/internal/browse"
	"partnerdesk/internal/cache"
	"partnerdesk/internal/explain"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
)

// Browse is the resource browser's service: which Partner API lists a
// profile can read, and fetches of them that stream their rows to the page
// as "resource:page" events, pause visibly ("resource:wait") and end in a
// last page or a "resource:error". Each fetch goes through the one list use
// case (internal/browse): the copy saved on this computer first, then the
// live pages, then the result saved for offline use.
//
// The page gets only what its table shows (each row's id, address and
// cells, in the columns' order), and not in the event: an event is a script
// the web view runs, and the rows in it were garbage the web process
// never gave back. The event names the rows (rowsRef) and the page fetches
// them from the app's own asset server (Services.Rows, GET /rows/<ref>),
// once. The items as the API sent them stay here, one copy per list the
// page shows, and the detail, JSON and copy actions ask for them by row id. ReleaseList drops a list the operator left.
// Tokens stay in Go: no method or event carries one.
type Browse struct {
	cfg    BrowseConfig
	lister *browse.Lister
	ctx    context.Context
	stop   context.CancelFunc

	mu    sync.Mutex
	next  int
	jobs  map[string]*fetchJob   // the fetches under way, by job id
	lists map[listKey]*shownList // the items of the rows the page holds
	// outbox holds the rows of the events sent until the page fetches
	// them: each batch once, and none of a list released or reloaded.
	outbox  map[string]outboxBatch
	batches int                   // batches sent, for their refs
	saved   map[listKey]time.Time // lists a fetch of this session saved whole, and when
}

// BrowseConfig is what Browse is built over.
type BrowseConfig struct {
	// Profile finds a profile by its id.
	Profile func(id string) (profiles.Profile, error)
	// Access makes the API clients (reading the token from the keychain)
	// and marks a refused token: the sign-in service.
	Access   browse.Access
	Platform Platform
	// TokenRejected is told after Zapier refused a profile's token, which
	// is then already marked so (the page is to be told, and a silent
	// renewal tried). Optional.
	TokenRejected func(profiles.Profile)
}

// NewBrowse returns the resource browser's service.
func NewBrowse(cfg BrowseConfig) *Browse {
	b := &Browse{cfg: cfg, jobs: map[string]*fetchJob{}, lists: map[listKey]*shownList{}, saved: map[listKey]time.Time{},
		outbox: map[string]outboxBatch{}}
	b.ctx, b.stop = context.WithCancel(context.Background())
	b.lister = &browse.Lister{Access: cfg.Access, Log: slog.Default(), Rejected: func(p profiles.Profile, markErr error) {
		if markErr != nil && !errors.Is(markErr, profiles.ErrUnknown) {
			slog.Warn("could not mark the token invalid", "err", markErr)
		}
		if cfg.TokenRejected != nil {
			cfg.TokenRejected(p)
		}
	}}
	return b
}

// stopAll cancels every fetch under way; for the app's shutdown (Services.Shutdown).
func (b *Browse) stopAll() { b.stop() }

// Events the page listens to.
const (
	EventResourcePage  = "resource:page"
	EventResourceWait  = "resource:wait"
	EventResourceError = "resource:error"
)

// ResourceInfo is one list of the API and whether the profile can read it now.
type ResourceInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Path        string   `json:"path"`
	Auth        string   `json:"auth"` // token, client_id, either or none
	Scope       string   `json:"scope"`
	NeedsParams []string `json:"needsParams"`
	Available   bool     `json:"available"`
	Reason      string   `json:"reason"` // why not, in the operator's words; "" when available
	Columns     []Column `json:"columns"`
}

// Column is a column of a resource's table.
type Column struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// ResourcePage is the payload of "resource:page": the next rows of a job.
// The page fetches its rows from the rows handler (Services.Rows) by
// RowsRef: a JSON array of RowCount rows, each one array: its id, its page
// on the web ("" when none), then its cells in the order of Columns (the
// resource's columns). Arrays, not objects: 10,000 rows travel to the page and live
// there in a third of the room.
type ResourcePage struct {
	JobID      string   `json:"jobId"`
	ResourceID string   `json:"resourceId"`
	ProfileID  string   `json:"profileId"`
	Columns    []string `json:"columns"` // the keys of the cells in each row, in order
	RowsRef    string   `json:"rowsRef"` // "" when the event brings no rows
	RowCount   int      `json:"rowCount"`
	Fetched    int      `json:"fetched"` // rows of this job so far, these included
	Total      *int     `json:"total"`   // what the API says the list holds; null when it does not say
	Done       bool     `json:"done"`    // no more events follow for this job
	HasMore    bool     `json:"hasMore"` // the API has more pages than were fetched
	FromCache  bool     `json:"fromCache"`
	AsOf       *string  `json:"asOf"` // RFC 3339, when the cached rows were fetched; null for live rows
}

// ResourceWait is the payload of "resource:wait": the fetch pauses.
type ResourceWait struct {
	JobID      string `json:"jobId"`
	ResourceID string `json:"resourceId"`
	ProfileID  string `json:"profileId"`
	Seconds    int    `json:"seconds"`
	// Kind is "rate-limited" (Zapier asked to wait) or "retry" (a back-off
	// after a server error or a time-out).
	Kind string `json:"kind"`
	// Reason says why, without the seconds: the page counts them down.
	Reason string `json:"reason"`
}

// ResourceError is the payload of "resource:error": the job ended without
// finishing.
type ResourceError struct {
	JobID      string `json:"jobId"`
	ResourceID string `json:"resourceId"`
	ProfileID  string `json:"profileId"`
	Kind       string `json:"kind"` // token-invalid, missing-scope, rate-limited, offline, server, cancelled, other
	Message    string `json:"message"`
	Scope      string `json:"scope"` // the scope to add, for missing-scope
}

type fetchJob struct {
	id     string
	list   listKey
	params map[string]string
	cancel context.CancelFunc
}

// listKey names one list of one profile.
type listKey struct{ profileID, resourceID string }

// shownList is what Go keeps of a list the page shows: the items as the
// API sent them, and where each row id is among them.
type shownList struct {
	jobID string
	live  bool // the rows came from Zapier (or back from disk as such), not from the saved copy
	items []json.RawMessage
	at    map[string]int // row id → index in items (the first of equal ids)
}

// ListResources lists the API's lists and whether the profile can read each
// one now, judging by what is known of its token.
func (b *Browse) ListResources(profileID string) ([]ResourceInfo, error) {
	called("ListResources")
	p, err := b.cfg.Profile(profileID)
	if err != nil {
		return nil, errors.New(explain.Message(err))
	}
	access := signin.Access(p, time.Now())
	var out []ResourceInfo
	for _, ep := range partnerapi.Endpoints() {
		info := ResourceInfo{
			ID: ep.ID, Title: ep.Title, Path: ep.Path, Auth: string(ep.Auth), Scope: ep.Scope(),
			NeedsParams: append([]string{}, ep.Required...), Columns: []Column{},
		}
		for _, c := range ep.Columns {
			info.Columns = append(info.Columns, Column{Key: c.Key, Title: c.Title})
		}
		_, err := ep.Check(access)
		info.Available = err == nil
		info.Reason = unavailableReason(p, err)
		out = append(out, info)
	}
	return out, nil
}

// unavailableReason says why a profile cannot read a list now.
func unavailableReason(p profiles.Profile, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, partnerapi.ErrNeedsToken) && p.Token.SignedIn && p.Token.Invalid:
		return "Zapier no longer accepts this profile's token. Sign in again to see this."
	case errors.Is(err, partnerapi.ErrNeedsToken) && p.Token.SignedIn && p.Token.Expired(time.Now()):
		return "This profile's token has expired. Sign in again to see this."
	case errors.Is(err, partnerapi.ErrNeedsToken):
		return "Sign in to see this: Zapier shows it only to a signed-in account."
	case errors.Is(err, partnerapi.ErrClientIDRejected):
		return "This profile has no client ID, and this list needs one."
	}
	return explain.Message(err)
}

// FetchResource starts fetching a list and returns the job's id at once.
// The rows arrive as "resource:page" events: the cached copy first, when
// there is one (fromCache), then the live pages; with all=false only the
// first page. The job ends with a page whose done is true, or a
// "resource:error". A fetch of the same list for the same profile that is
// still running is cancelled.
func (b *Browse) FetchResource(profileID, resourceID string, all bool, params map[string]string) (string, error) {
	called("FetchResource")
	return b.fetch(profileID, resourceID, all, params, false)
}

// ReopenList shows again a list the operator left (ReleaseList): the rows
// this session last loaded whole, read back from the copy saved on this
// computer as live rows, without asking Zapier again. When there is no such
// copy it fetches the first page, as FetchResource does.
func (b *Browse) ReopenList(profileID, resourceID string, params map[string]string) (string, error) {
	called("ReopenList")
	return b.fetch(profileID, resourceID, false, params, true)
}

func (b *Browse) fetch(profileID, resourceID string, all bool, params map[string]string, reopen bool) (string, error) {
	p, err := b.cfg.Profile(profileID)
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	ep, ok := partnerapi.EndpointByID(resourceID)
	if !ok {
		return "", fmt.Errorf("Partnerdesk does not know the list %q.", resourceID)
	}
	clean := map[string]string{}
	for k, v := range params {
		if v != "" {
			clean[k] = v
		}
	}
	for _, name := range ep.Required {
		if clean[name] == "" {
			return "", errors.New(explain.Message(&partnerapi.ParamError{Endpoint: ep.ID, Param: name}))
		}
	}

	ctx, cancel := context.WithCancel(b.ctx)
	key := listKey{profileID, resourceID}
	b.mu.Lock()
	for _, other := range b.jobs {
		if other.list == key {
			other.cancel()
		}
	}
	b.dropOutbox(key) // the page follows the new job only
	b.next++
	job := &fetchJob{id: "fetch-" + strconv.Itoa(b.next), list: key, params: clean, cancel: cancel}
	b.jobs[job.id] = job
	savedAt, restorable := b.saved[key]
	// Load all over rows fresh from Zapier goes on from them: the saved
	// copy would only flash up ("Showing saved results…") and cost the
	// page every row twice.
	showSaved := !all || b.lists[key] == nil || !b.lists[key].live
	b.mu.Unlock()

	go func() {
		defer func() {
			cancel()
			b.mu.Lock()
			delete(b.jobs, job.id)
			b.mu.Unlock()
		}()
		if reopen && restorable && b.restore(ctx, job, ep, savedAt) {
			return
		}
		b.run(ctx, job, p, ep, all, showSaved)
	}()
	return job.id, nil
}

// CancelFetch stops a fetch; it ends with a "resource:error" of kind
// cancelled. An unknown or finished job is ignored.
func (b *Browse) CancelFetch(jobID string) {
	called("CancelFetch")
	b.mu.Lock()
	job := b.jobs[jobID]
	b.mu.Unlock()
	if job != nil {
		job.cancel()
	}
}

// ReleaseList forgets the rows of a list the operator left: its fetch
// under way stops (silently: the page has let go of it too) and the items
// kept for it go, memory returned to the system at once. The copy saved
// on disk stays (ReopenList shows it again).
func (b *Browse) ReleaseList(profileID, resourceID string) {
	called("ReleaseList")
	key := listKey{profileID, resourceID}
	b.mu.Lock()
	for _, job := range b.jobs {
		if job.list == key {
			job.cancel()
		}
	}
	list := b.lists[key]
	delete(b.lists, key)
	b.dropOutbox(key)
	b.mu.Unlock()
	if list != nil && len(list.items) >= bigList {
		// Go hands freed memory back to the system over minutes; a list
		// of 10,000 rows is worth doing it now.
		go debug.FreeOSMemory()
	}
}

// RowJSON is one row's item as the API sent it, indented: for the detail
// and JSON views, which ask when they open.
func (b *Browse) RowJSON(profileID, resourceID, rowID string) (string, error) {
	called("RowJSON")
	return b.rowsJSON(listKey{profileID, resourceID}, []string{rowID}, false)
}

// RowsJSON is the items of some rows as one indented JSON array, in the
// order asked: for the JSON view of many rows.
func (b *Browse) RowsJSON(profileID, resourceID string, rowIDs []string) (string, error) {
	called("RowsJSON")
	return b.rowsJSON(listKey{profileID, resourceID}, rowIDs, true)
}

// CopyRows puts the items of some rows on the clipboard as indented JSON:
// one row as an object, asArray (or several) as an array.
func (b *Browse) CopyRows(profileID, resourceID string, rowIDs []string, asArray bool) error {
	called("CopyRows")
	text, err := b.rowsJSON(listKey{profileID, resourceID}, rowIDs, asArray || len(rowIDs) != 1)
	if err != nil {
		return err
	}
	if err := b.cfg.Platform.CopyText(text); err != nil {
		return errors.New("The rows could not be put on the clipboard. Try again.")
	}
	return nil
}

var errRowsGone = errors.New("These rows are no longer loaded. Load the list again, then try again.")

func (b *Browse) rowsJSON(key listKey, rowIDs []string, asArray bool) (string, error) {
	b.mu.Lock()
	list := b.lists[key]
	items := make([]json.RawMessage, 0, len(rowIDs))
	for _, id := range rowIDs {
		if list == nil {
			break
		}
		if i, ok := list.at[id]; ok {
			items = append(items, list.items[i])
		}
	}
	b.mu.Unlock()
	if len(items) != len(rowIDs) {
		return "", errRowsGone
	}
	var v any = items
	if !asArray {
		v = items[0]
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", errors.New("These rows could not be turned into JSON.")
	}
	return string(out), nil
}

// hold records the items of a page the page is about to show: the job's
// first page (and the first live one after the saved copy) replaces what
// the list held, later pages add to it, as the page does with its rows. A
// job that was cancelled (a newer one started, or the list was released)
// holds nothing: it is cancelled under the same lock.
func (b *Browse) hold(ctx context.Context, job *fetchJob, items []json.RawMessage, ids []string, replace, live bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ctx.Err() != nil {
		return false
	}
	list := b.lists[job.list]
	if replace || list == nil || list.jobID != job.id {
		list = &shownList{jobID: job.id, at: map[string]int{}}
		b.lists[job.list] = list
	}
	list.live = live
	for i, id := range ids {
		if _, dup := list.at[id]; !dup {
			list.at[id] = len(list.items) + i
		}
	}
	list.items = append(list.items, items...)
	return true
}

// eventRows is the fewest rows a "resource:page" event of a Load all
// carries, but for its first and last pages. With 5 events for 10,000 rows
// instead of 100, Load all went from about 4 s to under 2 (make bench).
const eventRows = 2500

// bigList is the number of rows from which a finished or released list
// hands its memory back to the system at once.
const bigList = 1000

// run is one job: the saved rows, then the live pages, then the saved copy
// replaced (internal/browse), or an error event.
func (b *Browse) run(ctx context.Context, job *fetchJob, p profiles.Profile, ep partnerapi.Endpoint, all, showSaved bool) {
	page := func(fetched, total int, done, more bool) ResourcePage {
		pg := ResourcePage{JobID: job.id, ResourceID: job.list.resourceID, ProfileID: job.list.profileID,
			Columns: columnKeys(ep), Fetched: fetched, Done: done, HasMore: more}
		if total >= 0 {
			pg.Total = &total
		}
		return pg
	}
	emit := b.cfg.Platform.Emit
	params := url.Values{}
	for k, v := range job.params {
		params.Set(k, v)
	}
	replace := true // the next page replaces the list's rows
	var last ResourcePage
	// The page is sent the first page's rows at once, then batches of at
	// least eventRows, then the last page's at once: each event costs the
	// page a render (and its accessibility tree an update) whatever its
	// size, and 100 of them cost it seconds for 10,000 rows.
	var pending [][]string // rows fetched and held, not sent yet
	var latest partnerapi.Page
	sent := false
	flush := func() {
		if len(pending) > 0 {
			b.sendPage(page(latest.Fetched, latest.Total, false, latest.More), pending)
			pending, sent = nil, true
		}
	}
	// Pages become rows and events on a goroutine of their own: while it
	// turns page n into rows (ep.Row for each item) and sends them, the
	// list already asks Zapier for page n+1.
	steps := make(chan fetchStep, 4)
	built := make(chan struct{})
	go func() {
		defer close(built)
		for st := range steps {
			if st.wait != nil {
				flush() // what came before the pause shows during it
				kind, reason := explain.Wait(*st.wait)
				emit(EventResourceWait, ResourceWait{JobID: job.id, ResourceID: job.list.resourceID, ProfileID: job.list.profileID,
					Seconds: int((st.wait.For + time.Second - 1) / time.Second), Kind: kind, Reason: reason})
				continue
			}
			pg := *st.page
			rows, ids := rowsOf(ep, pg.Items, pg.Fetched-len(pg.Items))
			if !b.hold(ctx, job, pg.Items, ids, replace, true) {
				continue // cancelled: the list stops at its next page
			}
			replace = false
			pending, latest = append(pending, rows...), pg
			end := !pg.More || !all
			if !sent || end || len(pending) >= eventRows {
				flush()
			}
			if end {
				// The rows are shown at once; the page that says the job is
				// done, with no rows of its own, follows once the list is
				// saved.
				last = page(pg.Fetched, pg.Total, true, pg.More)
			}
		}
	}()
	var showSavedCopy func(cache.Entry) // nil: the lister does not even read the saved copy
	if showSaved {
		showSavedCopy = func(saved cache.Entry) {
			rows, ids := rowsOf(ep, saved.Items, 0)
			if !b.hold(ctx, job, saved.Items, ids, true, false) {
				return
			}
			pg := page(len(saved.Items), saved.Total, false, !saved.Complete)
			pg.FromCache = true
			asOf := saved.FetchedAt.UTC().Format(time.RFC3339)
			pg.AsOf = &asOf
			b.sendPage(pg, rows)
		}
	}
	_, err := b.lister.List(ctx, browse.Request{Profile: p, Endpoint: ep, Params: params, All: all, Saved: true}, browse.Handler{
		Saved: showSavedCopy,
		Wait: func(w partnerapi.Wait) {
			select {
			case steps <- fetchStep{wait: &w}:
			case <-ctx.Done():
			}
		},
		Page: func(pg partnerapi.Page) error {
			select {
			case steps <- fetchStep{page: &pg}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	})
	close(steps)
	<-built
	if last.Done && last.Fetched >= bigList {
		// The pages' JSON is garbage now: hand the memory back to the
		// system rather than keep it for the next list.
		defer func() { go debug.FreeOSMemory() }()
	}
	if err != nil {
		if ctx.Err() == nil {
			flush() // the rows loaded before it stopped show with the reason
		}
		e := ResourceError{JobID: job.id, ResourceID: job.list.resourceID, ProfileID: job.list.profileID}
		e.Kind, e.Scope = errorKind(ctx, err)
		e.Message = explain.Message(err)
		if e.Kind == "cancelled" {
			e.Message = "Stopped."
		}
		emit(EventResourceError, e)
		return
	}
	if !last.HasMore {
		b.mu.Lock()
		b.saved[job.list] = time.Now()
		b.mu.Unlock()
	}
	b.sendPage(last, nil)
}

// fetchStep is what the fetch hands the goroutine that builds the rows, in
// order: a page, or a pause.
type fetchStep struct {
	page *partnerapi.Page
	wait *partnerapi.Wait
}

// restore shows the copy a fetch of this session saved whole as the list's
// live rows; false when it is gone or was replaced since (by the CLI, or an
// older app), and the caller fetches instead.
func (b *Browse) restore(ctx context.Context, job *fetchJob, ep partnerapi.Endpoint, savedAt time.Time) bool {
	saved, err := cache.Load(job.list.profileID, ep.ID, paramsOrNil(job.params))
	if err != nil || !saved.Complete || saved.FetchedAt.After(savedAt) || savedAt.Sub(saved.FetchedAt) > time.Minute {
		return false
	}
	if len(saved.Items) >= bigList {
		// The file's JSON and the events' are garbage once shown.
		defer func() { go debug.FreeOSMemory() }()
	}
	// In pages, as a fetch sends them: one event of 10,000 rows is one
	// script of megabytes for the web view to parse and keep a while.
	n := len(saved.Items)
	for start := 0; start == 0 || start < n; start += restorePage {
		end := min(start+restorePage, n)
		items := saved.Items[start:end]
		rows, ids := rowsOf(ep, items, start)
		if !b.hold(ctx, job, items, ids, start == 0, true) {
			return true // a newer job took over, or the list was released
		}
		pg := ResourcePage{JobID: job.id, ResourceID: job.list.resourceID, ProfileID: job.list.profileID,
			Columns: columnKeys(ep), Fetched: end, Done: end == n}
		if saved.Total >= 0 {
			pg.Total = &saved.Total
		}
		b.sendPage(pg, rows)
	}
	return true
}

// restorePage is how many rows of a saved copy go in one event.
const restorePage = 1000

func paramsOrNil(params map[string]string) map[string]string {
	if len(params) == 0 {
		return nil
	}
	return params
}

// errorKind sorts an error for the page, and names the scope to add when one
// is missing: explain.Classify, the classification the command line's exit
// codes read too, narrowed to the kinds the page knows.
func errorKind(ctx context.Context, err error) (kind, scope string) {
	if ctx.Err() != nil {
		return string(explain.KindStopped), ""
	}
	switch k := explain.Classify(err); k {
	case explain.KindStopped, explain.KindNotSignedIn, explain.KindRateLimited, explain.KindOffline, explain.KindServer:
		return string(k), ""
	case explain.KindMissingScope:
		return string(k), explain.ScopeOf(err)
	}
	return string(explain.KindOther), ""
}
