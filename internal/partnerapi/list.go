package partnerapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
)

// ListOptions shape one List call.
type ListOptions struct {
	// Params are the query parameters of the first page: filters, and the
	// endpoint's Required ones. Paging parameters in it are respected.
	Params url.Values
	// PageSize is how many items to ask for per page; 0 (or more than the
	// endpoint allows) means the endpoint's MaxPageSize.
	PageSize int
	// All follows every page; false stops after the first.
	All bool
	// MaxPages and MaxItems bound a list followed with All: List stops with
	// ErrListTooLong after MaxPages pages, or once it has handed over
	// MaxItems items and more follow (a page that goes past is cut there).
	// 0 means DefaultMaxPages and DefaultMaxItems.
	MaxPages, MaxItems int
}

// bounds returns MaxPages and MaxItems, with the defaults for 0.
func (o ListOptions) bounds() (maxPages, maxItems int) {
	maxPages, maxItems = o.MaxPages, o.MaxItems
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	if maxItems <= 0 {
		maxItems = DefaultMaxItems
	}
	return maxPages, maxItems
}

// The bounds of one List call, and the run of empty pages that still say
// more follow after which List takes the list for stuck (ErrPagingLoop).
const (
	DefaultMaxPages = 10_000
	DefaultMaxItems = 1_000_000
	maxEmptyPages   = 3
)

// Page is one page of a list, as it arrived.
type Page struct {
	Items   []json.RawMessage
	Number  int  // 1 for the first page
	Fetched int  // items so far, this page's included
	Total   int  // how many items the API says the list holds; -1 when it does not say
	More    bool // the API has more pages after this one
}

// List fetches the endpoint's list page by page and calls fn with each page
// as it arrives. It stops after the first page unless opts.All is set, when
// fn returns an error (which List returns), or when ctx is done (ctx.Err()).
// It never stops early without saying so: a list that does not move on
// (a next link fetched before, a page repeating the one before it,
// maxEmptyPages empty pages in a row that say more follow) ends with a
// *PagingError matching ErrPagingLoop, and one longer than opts.MaxPages or
// opts.MaxItems with one matching ErrListTooLong, after fn has had the pages
// up to there. An endpoint that returns one object (PagingNone) gives one
// page of one item.
func (c *Client) List(ctx context.Context, ep Endpoint, opts ListOptions, fn func(Page) error) error {
	for _, p := range ep.Required {
		if opts.Params.Get(p) == "" {
			return &ParamError{Endpoint: ep.ID, Param: p}
		}
	}
	u, err := c.resolve(ep.Path)
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range opts.Params {
		q[k] = v
	}
	size := opts.PageSize
	if size <= 0 || size > ep.MaxPageSize {
		size = ep.MaxPageSize
	}
	switch ep.Paging {
	case PagingPage:
		if !q.Has("per_page") {
			q.Set("per_page", strconv.Itoa(size))
		}
	case PagingLimitOffset, PagingBareArray, PagingEnvelope:
		if !q.Has("limit") {
			q.Set("limit", strconv.Itoa(size))
		}
	}
	u.RawQuery = q.Encode()
	maxPages, maxItems := opts.bounds()

	fetched, empty := 0, 0
	var lastFirst json.RawMessage
	seen := map[string]bool{pageKey(u): true} // every address fetched
	stop := func(reason error, what string, pages int) error {
		return &PagingError{Reason: reason, What: what, Pages: pages, Items: fetched}
	}
	for number := 1; ; number++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		body, err := c.get(ctx, u, ep.Auth)
		if err != nil {
			return err
		}
		pg, err := parsePage(ep.Paging, body, u)
		if err != nil {
			return &BadResponseError{Path: u.Path, Reason: err.Error()}
		}
		if len(pg.items) > 0 {
			if lastFirst != nil && bytes.Equal(pg.items[0], lastFirst) {
				return stop(ErrPagingLoop, "Zapier kept sending the same page", number)
			}
			lastFirst = pg.items[0]
			empty = 0
		} else {
			empty++
		}
		cut := fetched+len(pg.items) > maxItems
		if cut {
			pg.items = pg.items[:maxItems-fetched]
		}
		fetched += len(pg.items)
		var next *url.URL
		if pg.next != "" {
			if next, err = c.resolve(pg.next); err != nil {
				return &BadResponseError{Path: u.Path, Reason: "its next-page link is not valid"}
			}
		} else if pg.nextQuery != nil {
			n := *u
			n.RawQuery = pg.nextQuery.Encode()
			next = &n
		}
		page := Page{Items: pg.items, Number: number, Fetched: fetched, Total: pg.total, More: next != nil || cut}
		if err := fn(page); err != nil {
			return err
		}
		switch {
		case cut:
			return stop(ErrListTooLong, "the list has more than "+amount(maxItems, "row"), number)
		case next == nil || !opts.All:
			return nil
		case fetched >= maxItems:
			return stop(ErrListTooLong, "the list has more than "+amount(maxItems, "row"), number)
		case number >= maxPages:
			return stop(ErrListTooLong, "the list has more than "+amount(maxPages, "page"), number)
		case empty >= maxEmptyPages:
			return stop(ErrPagingLoop, "Zapier kept sending empty pages that said more would follow", number)
		case seen[pageKey(next)]:
			return stop(ErrPagingLoop, "Zapier kept sending the same page", number)
		}
		seen[pageKey(next)] = true
		u = next
	}
}

// pageKey is a page's address with its query parameters in one order, so a
// link that lists them differently is still the same page.
func pageKey(u *url.URL) string {
	k := *u
	k.RawQuery = u.Query().Encode()
	k.Fragment = ""
	return k.String()
}

// parsed is what a page says about itself: its items, the list's size (-1
// unknown), and where the next page is: a link the server gave, or the
// query of the current page with the paging parameter moved on. Both empty
// on the last page.
type parsed struct {
	items     []json.RawMessage
	total     int
	next      string
	nextQuery url.Values
}

type pageError string

func (e pageError) Error() string { return string(e) }

// parsePage reads one page of the given style; u is the page's address.
func parsePage(style Paging, body []byte, u *url.URL) (parsed, error) {
	q := u.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	moveOffset := func(n int) url.Values {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("offset", strconv.Itoa(offset+n))
		return nq
	}
	switch style {
	case PagingNone:
		if !json.Valid(body) || len(bytes.TrimSpace(body)) == 0 || bytes.TrimSpace(body)[0] != '{' {
			return parsed{}, pageError("not a JSON object")
		}
		return parsed{items: []json.RawMessage{json.RawMessage(bytes.TrimSpace(body))}, total: 1}, nil

	case PagingPage:
		var b struct {
			Total   *int              `json:"total"`
			Page    int               `json:"page"`
			Pages   int               `json:"pages"`
			Objects []json.RawMessage `json:"objects"`
			NextURL *string           `json:"next_url"`
		}
		if err := json.Unmarshal(body, &b); err != nil || b.Objects == nil {
			return parsed{}, pageError("not a page of objects")
		}
		p := parsed{items: b.Objects, total: orUnknown(b.Total)}
		switch {
		case b.NextURL != nil && *b.NextURL != "":
			p.next = *b.NextURL
		case b.NextURL == nil && b.Page > 0 && b.Page < b.Pages && len(b.Objects) > 0:
			nq := url.Values{}
			for k, v := range q {
				nq[k] = v
			}
			nq.Set("page", strconv.Itoa(b.Page+1))
			p.nextQuery = nq
		}
		return p, nil

	case PagingLimitOffset:
		var b struct {
			Count   *int              `json:"count"`
			Next    *string           `json:"next"`
			Objects []json.RawMessage `json:"objects"`
		}
		if err := json.Unmarshal(body, &b); err != nil || b.Objects == nil {
			return parsed{}, pageError("not a page of objects")
		}
		p := parsed{items: b.Objects, total: orUnknown(b.Count)}
		switch {
		case b.Next != nil && *b.Next != "":
			p.next = *b.Next
		case b.Next == nil && b.Count != nil && len(b.Objects) > 0 && offset+len(b.Objects) < *b.Count:
			p.nextQuery = moveOffset(len(b.Objects))
		}
		return p, nil

	case PagingBareArray:
		var items []json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil || items == nil {
			return parsed{}, pageError("not a JSON array")
		}
		p := parsed{items: items, total: -1}
		if len(items) > 0 && (limit <= 0 || len(items) >= limit) {
			p.nextQuery = moveOffset(len(items))
		}
		return p, nil

	case PagingEnvelope:
		var b struct {
			Links struct {
				Next *string `json:"next"`
			} `json:"links"`
			Meta struct {
				Count  *int `json:"count"`
				Offset *int `json:"offset"`
			} `json:"meta"`
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &b); err != nil || b.Data == nil {
			return parsed{}, pageError("not a page of data")
		}
		p := parsed{items: b.Data, total: orUnknown(b.Meta.Count)}
		if b.Meta.Offset != nil {
			offset = *b.Meta.Offset
		}
		switch {
		case b.Links.Next != nil && *b.Links.Next != "":
			p.next = *b.Links.Next
		case b.Links.Next == nil && b.Meta.Count != nil && len(b.Data) > 0 && offset+len(b.Data) < *b.Meta.Count:
			p.nextQuery = moveOffset(len(b.Data))
		}
		return p, nil
	}
	return parsed{}, pageError("an unknown paging style " + string(style))
}

func orUnknown(n *int) int {
	if n == nil {
		return -1
	}
	return *n
}
