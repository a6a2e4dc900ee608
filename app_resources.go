package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/explain"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
)

// The bindings of the resource browser: which Partner API lists a profile
// can read, and fetches of them that stream their rows to the page as
// "resource:page" events, pause visibly ("resource:wait") and end in a last
// page or a "resource:error". The last result of each list is cached per
// profile (internal/cache) and shown first, and alone when Zapier cannot be
// reached. Tokens stay in Go: no method or event carries one.

// Events the page listens to.
const (
	eventResourcePage  = "resource:page"
	eventResourceWait  = "resource:wait"
	eventResourceError = "resource:error"
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

// Row is one item: its cells by Column.Key, its page on the web ("" when
// none) and the item exactly as the API sent it.
type Row struct {
	ID    string            `json:"id"`
	Cells map[string]string `json:"cells"`
	URL   string            `json:"url"`
	Raw   json.RawMessage   `json:"raw"`
}

// ResourcePage is the payload of "resource:page": the next rows of a job.
type ResourcePage struct {
	JobID      string  `json:"jobId"`
	ResourceID string  `json:"resourceId"`
	ProfileID  string  `json:"profileId"`
	Rows       []Row   `json:"rows"`
	Fetched    int     `json:"fetched"` // rows of this job so far, these included
	Total      *int    `json:"total"`   // what the API says the list holds; null when it does not say
	Done       bool    `json:"done"`    // no more events follow for this job
	HasMore    bool    `json:"hasMore"` // the API has more pages than were fetched
	FromCache  bool    `json:"fromCache"`
	AsOf       *string `json:"asOf"` // RFC 3339, when the cached rows were fetched; null for live rows
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

// fetchJobs are the fetches under way. The zero value is ready.
type fetchJobs struct {
	mu   sync.Mutex
	next int
	jobs map[string]*fetchJob // by job id
}

type fetchJob struct {
	id, profileID, resourceID string
	params                    map[string]string
	cancel                    context.CancelFunc
}

// profileByID finds a profile by its id.
func (a *App) profileByID(id string) (profiles.Profile, error) {
	f, err := a.env.Profiles.Load()
	var corrupt *profiles.CorruptError
	if err != nil && !errors.As(err, &corrupt) {
		return profiles.Profile{}, err
	}
	p, ok := f.Find(id)
	if !ok || p.ID != id {
		return profiles.Profile{}, fmt.Errorf("%w: the profile was removed", profiles.ErrUnknown)
	}
	return *p, nil
}

// ListResources lists the API's lists and whether the profile can read each
// one now, judging by what is known of its token.
func (a *App) ListResources(profileID string) ([]ResourceInfo, error) {
	a.called("ListResources")
	p, err := a.profileByID(profileID)
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
func (a *App) FetchResource(profileID, resourceID string, all bool, params map[string]string) (string, error) {
	a.called("FetchResource")
	p, err := a.profileByID(profileID)
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

	parent := a.ctx
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	j := &a.fetches
	j.mu.Lock()
	if j.jobs == nil {
		j.jobs = map[string]*fetchJob{}
	}
	for _, other := range j.jobs {
		if other.profileID == profileID && other.resourceID == resourceID {
			other.cancel()
		}
	}
	j.next++
	job := &fetchJob{id: "fetch-" + strconv.Itoa(j.next), profileID: profileID, resourceID: resourceID, params: clean, cancel: cancel}
	j.jobs[job.id] = job
	j.mu.Unlock()

	go func() {
		defer func() {
			cancel()
			j.mu.Lock()
			delete(j.jobs, job.id)
			j.mu.Unlock()
		}()
		a.runFetch(ctx, job, p, ep, all)
	}()
	return job.id, nil
}

// CancelFetch stops a fetch; it ends with a "resource:error" of kind
// cancelled. An unknown or finished job is ignored.
func (a *App) CancelFetch(jobID string) {
	a.called("CancelFetch")
	a.fetches.mu.Lock()
	job := a.fetches.jobs[jobID]
	a.fetches.mu.Unlock()
	if job != nil {
		job.cancel()
	}
}

// CopyRow puts a row's JSON, indented, on the system clipboard.
func (a *App) CopyRow(text string) error {
	a.called("CopyRow")
	var v json.RawMessage
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return errors.New("This row could not be copied: it is not valid JSON.")
	}
	indented, _ := json.MarshalIndent(v, "", "  ")
	if a.ctx == nil {
		return errors.New("The clipboard is not available yet. Try again.")
	}
	if err := wailsruntime.ClipboardSetText(a.ctx, string(indented)); err != nil {
		return errors.New("The row could not be put on the clipboard. Try again.")
	}
	return nil
}

// runFetch is one job: the cached rows, then the live pages, then the cache
// updated, or an error event.
func (a *App) runFetch(ctx context.Context, job *fetchJob, p profiles.Profile, ep partnerapi.Endpoint, all bool) {
	page := func(rows []Row, fetched, total int, done, more bool) ResourcePage {
		pg := ResourcePage{JobID: job.id, ResourceID: job.resourceID, ProfileID: job.profileID,
			Rows: rows, Fetched: fetched, Done: done, HasMore: more}
		if total >= 0 {
			pg.Total = &total
		}
		return pg
	}
	fail := func(err error) {
		e := ResourceError{JobID: job.id, ResourceID: job.resourceID, ProfileID: job.profileID}
		e.Kind, e.Scope = errorKind(ctx, err)
		e.Message = explain.Message(err)
		if e.Kind == "cancelled" {
			e.Message = "Stopped."
		}
		a.emitEvent(eventResourceError, e)
	}

	if cached, err := cache.Load(p.ID, ep.ID, job.params); err == nil {
		pg := page(rowsOf(ep, cached.Items), len(cached.Items), cached.Total, false, !cached.Complete)
		pg.FromCache = true
		asOf := cached.FetchedAt.UTC().Format(time.RFC3339)
		pg.AsOf = &asOf
		a.emitEvent(eventResourcePage, pg)
	}

	client, sent, err := a.service.APIClient(ctx, p, ep)
	if err != nil {
		fail(err)
		return
	}
	client.OnWait = func(w partnerapi.Wait) {
		kind, reason := explain.Wait(w)
		a.emitEvent(eventResourceWait, ResourceWait{JobID: job.id, ResourceID: job.resourceID, ProfileID: job.profileID,
			Seconds: int((w.For + time.Second - 1) / time.Second), Kind: kind, Reason: reason})
	}
	client.Log = slog.Default()

	params := url.Values{}
	for k, v := range job.params {
		params.Set(k, v)
	}
	var items []json.RawMessage
	var last ResourcePage // the done page waits until the cache is written
	total, more := -1, false
	err = client.List(ctx, ep, partnerapi.ListOptions{Params: params, All: all}, func(pg partnerapi.Page) error {
		items = append(items, pg.Items...)
		total, more = pg.Total, pg.More
		out := page(rowsOf(ep, pg.Items), pg.Fetched, pg.Total, !pg.More || !all, pg.More)
		if out.Done {
			last = out
		} else {
			a.emitEvent(eventResourcePage, out)
		}
		return nil
	})
	if err != nil {
		if sent == partnerapi.CredentialToken && errors.Is(err, partnerapi.ErrTokenRejected) {
			a.tokenRejected(p)
		}
		fail(err)
		return
	}
	entry := cache.Entry{Resource: ep.ID, Params: job.params, FetchedAt: time.Now().UTC(), Complete: !more, Total: total, Items: items}
	if len(job.params) == 0 {
		entry.Params = nil
	}
	if err := cache.Save(p.ID, entry); err != nil {
		slog.Warn("could not cache a result", "resource", ep.ID, "err", err)
	}
	a.emitEvent(eventResourcePage, last)
}

// tokenRejected records that Zapier refused a profile's token and tells the
// page; as Verify does, it tries once to renew the token silently.
func (a *App) tokenRejected(p profiles.Profile) {
	if err := a.service.MarkRejected(p.ID); err != nil {
		slog.Warn("could not mark the token invalid", "err", err)
	}
	a.changed()
	a.retryRejected(p)
}

// rowsOf turns raw items into rows.
func rowsOf(ep partnerapi.Endpoint, items []json.RawMessage) []Row {
	rows := make([]Row, len(items))
	for i, it := range items {
		r := ep.Row(it)
		if r.ID == "" {
			r.ID = "#" + strconv.Itoa(i) // an item without an id still needs a key
		}
		rows[i] = Row{ID: r.ID, Cells: r.Cells, URL: r.URL, Raw: it}
	}
	return rows
}

// errorKind sorts an error for the page, and names the scope to add when one
// is missing.
func errorKind(ctx context.Context, err error) (kind, scope string) {
	var (
		apiErr   *partnerapi.APIError
		scopeErr *partnerapi.ScopeError
		netErr   *partnerapi.NetworkError
		gaveUp   *partnerapi.GaveUpError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return "cancelled", ""
	case errors.Is(err, partnerapi.ErrTokenRejected), errors.Is(err, partnerapi.ErrNeedsToken), errors.Is(err, vault.ErrNotFound):
		return "token-invalid", ""
	case errors.As(err, &scopeErr):
		return "missing-scope", scopeErr.Scope
	case errors.As(err, &apiErr) && apiErr.Status == 403 && apiErr.Scope != "":
		return "missing-scope", apiErr.Scope
	case errors.As(err, &apiErr) && apiErr.Status == 429:
		return "rate-limited", ""
	case errors.As(err, &netErr):
		return "offline", ""
	case errors.As(err, &gaveUp), errors.As(err, &apiErr) && apiErr.Status >= 500:
		return "server", ""
	}
	return "other", ""
}
