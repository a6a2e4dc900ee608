// Package browse is the one way Partnerdesk reads a list of the Partner API,
// for the app's Browse and for `partnerdesk api`: the copy saved on this
// computer first (when asked), then the live pages as they arrive, the
// result saved again for offline use, and a token Zapier refused marked so
// on the profile, whoever asked.
//
// What it deliberately does not do: hold the rows (the caller keeps what it
// shows, and the saved copy stays on disk), turn items into table rows, or
// word errors for the operator (internal/explain does).
package browse

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"time"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
)

// Access is what a list needs from the sign-in side: a client for a profile
// and an endpoint, with the credential it sends, and a way to record that
// Zapier refused the profile's token. *signin.Service is the real one.
type Access interface {
	APIClient(ctx context.Context, p profiles.Profile, ep partnerapi.Endpoint) (*partnerapi.Client, partnerapi.Credential, error)
	MarkRejected(profileID string) error
}

// Lister reads lists for one caller.
type Lister struct {
	Access Access
	// Rejected is told after Zapier refused a profile's token and List
	// marked it so; markErr is the marking's own failure, if any. Optional.
	Rejected func(p profiles.Profile, markErr error)
	// Log receives the client's request log and a failed save. Optional.
	Log *slog.Logger
}

// Request is one list to read.
type Request struct {
	Profile  profiles.Profile
	Endpoint partnerapi.Endpoint
	// Params are the list's query parameters (filters, and the endpoint's
	// required ones); empty values are left out.
	Params url.Values
	// PageSize is how many items to ask for per page; 0 means the most the
	// endpoint allows.
	PageSize int
	// All follows every page; false stops after the first.
	All bool
	// Saved shows the copy saved on this computer first (Handler.Saved)
	// and saves the result once the list has been read.
	Saved bool
}

// Handler receives what a list sends, in order: the saved copy (when the
// request asks for it and there is one), any pauses, then each live page.
// Each field is optional.
type Handler struct {
	Saved func(cache.Entry)
	Wait  func(partnerapi.Wait)
	// Page gets each live page as it arrives; an error stops the list
	// and List returns it.
	Page func(partnerapi.Page) error
}

// Result is how a list ended.
type Result struct {
	Fetched int  // items handed to Handler.Page
	Total   int  // what the API says the list holds; -1 when it does not say
	More    bool // the API has more pages than were read
}

// List reads one list (see Request and Handler). When Zapier refuses the
// token sent, the profile is marked rejected (Lister.Rejected is told) and
// the error, matching partnerapi.ErrTokenRejected, is returned.
func (l *Lister) List(ctx context.Context, req Request, h Handler) (Result, error) {
	query := clean(req.Params)
	saveAs := savedParams(query)
	res := Result{Total: -1}
	if req.Saved && h.Saved != nil {
		if saved, err := cache.Load(req.Profile.ID, req.Endpoint.ID, saveAs); err == nil {
			h.Saved(saved)
		}
	}
	client, sent, err := l.Access.APIClient(ctx, req.Profile, req.Endpoint)
	if err != nil {
		return res, err
	}
	client.OnWait = h.Wait
	client.Log = l.Log

	var items []json.RawMessage // kept only to save them: the same bytes as the pages'
	err = client.List(ctx, req.Endpoint, partnerapi.ListOptions{Params: query, PageSize: req.PageSize, All: req.All},
		func(pg partnerapi.Page) error {
			if req.Saved {
				items = append(items, pg.Items...)
			}
			res.Fetched, res.Total, res.More = pg.Fetched, pg.Total, pg.More
			if h.Page != nil {
				return h.Page(pg)
			}
			return nil
		})
	if err != nil {
		l.rejected(req.Profile, sent, err)
		return res, err
	}
	if req.Saved {
		entry := cache.Entry{Resource: req.Endpoint.ID, Params: saveAs, FetchedAt: time.Now().UTC(),
			Complete: !res.More, Total: res.Total, Items: items}
		if err := cache.Save(req.Profile.ID, entry); err != nil && l.Log != nil {
			l.Log.Warn("could not save a list for offline use", "resource", req.Endpoint.ID, "err", err)
		}
	}
	return res, nil
}

// Get makes one GET of path (with its query) for a profile, as the endpoint
// ep authenticates, and marks a refused token as List does.
func (l *Lister) Get(ctx context.Context, p profiles.Profile, ep partnerapi.Endpoint, path string, wait func(partnerapi.Wait)) (json.RawMessage, error) {
	client, sent, err := l.Access.APIClient(ctx, p, ep)
	if err != nil {
		return nil, err
	}
	client.OnWait = wait
	client.Log = l.Log
	out, err := client.Get(ctx, path, nil)
	if err != nil {
		l.rejected(p, sent, err)
		return nil, err
	}
	return out, nil
}

// rejected marks the profile's token when Zapier refused the token sent: a
// refused client_id says nothing about the token.
func (l *Lister) rejected(p profiles.Profile, sent partnerapi.Credential, err error) {
	if sent != partnerapi.CredentialToken || !errors.Is(err, partnerapi.ErrTokenRejected) {
		return
	}
	markErr := l.Access.MarkRejected(p.ID)
	if l.Rejected != nil {
		l.Rejected(p, markErr)
	}
}

// clean drops empty parameters.
func clean(params url.Values) url.Values {
	out := url.Values{}
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

// savedParams names a list's saved copy by its parameters, the first value
// of each; nil when there are none, so that a list without parameters is
// saved under the same name however it was asked.
func savedParams(q url.Values) map[string]string {
	if len(q) == 0 {
		return nil
	}
	out := map[string]string{}
	for k := range q {
		out[k] = q.Get(k)
	}
	return out
}
