package sandbox

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// limitOffset reads the limit and offset parameters of a list, answering
// 400 in the request's error shape when they are not whole numbers in range.
// A limit above maxLimit is lowered to it.
func limitOffset(w http.ResponseWriter, r *http.Request, defLimit int) (limit, offset int, ok bool) {
	q := r.URL.Query()
	limit, err := intParam(q, "limit", defLimit)
	if err != nil || limit < 1 {
		writeError(w, r, http.StatusBadRequest, "parse_error", "ParseError", "limit must be a whole number from 1 to 100.")
		return 0, 0, false
	}
	offset, err = intParam(q, "offset", 0)
	if err != nil || offset < 0 {
		writeError(w, r, http.StatusBadRequest, "parse_error", "ParseError", "offset must be a whole number, 0 or more.")
		return 0, 0, false
	}
	return min(limit, maxLimit), offset, true
}

// window returns the part of a list of n items that limit and offset pick,
// as start and end indexes.
func window(n, limit, offset int) (from, to int) {
	from = min(offset, n) // keeps from+limit far from overflowing
	return from, min(from+limit, n)
}

// withoutClientID drops the client_id from a query: Zapier's page links
// leave it out, so clients must add it to every request themselves.
func withoutClientID(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "client_id" {
			out[k] = v
		}
	}
	return out
}

// serveTemplates answers GET /v1/zap-templates: a bare JSON array, limit and
// offset, no count and no links. apps=slug,slug keeps the templates that use
// every app listed.
func (s *Server) serveTemplates(w http.ResponseWriter, r *http.Request, _ claims) {
	q := r.URL.Query()
	limit, offset, ok := limitOffset(w, r, defaultLimit)
	if !ok {
		return
	}
	var want []string
	for slug := range strings.SplitSeq(q.Get("apps"), ",") {
		if slug = strings.TrimSpace(slug); slug != "" {
			want = append(want, strings.ToLower(slug))
		}
	}
	matched := s.data.templates
	if len(want) > 0 {
		matched = nil
		for _, t := range s.data.templates {
			if t.uses(want) {
				matched = append(matched, t)
			}
		}
	}
	from, to := window(len(matched), limit, offset)
	base := baseURL(r)
	out := make([]templateJSON, 0, to-from)
	for _, t := range matched[from:to] {
		out = append(out, t.json(base))
	}
	writeJSON(w, http.StatusOK, out)
}

func (t zapTemplate) uses(slugs []string) bool {
	for _, want := range slugs {
		if !slices.ContainsFunc(t.Steps, func(st templateStep) bool { return st.App.Slug == want }) {
			return false
		}
	}
	return true
}

type templateJSON struct {
	ID               int64              `json:"id"`
	Title            string             `json:"title"`
	Slug             string             `json:"slug"`
	Status           string             `json:"status"`
	Description      string             `json:"description"`
	DescriptionPlain string             `json:"description_plain"`
	DescriptionRaw   string             `json:"description_raw"`
	URL              string             `json:"url"`
	CreateURL        string             `json:"create_url"`
	Type             string             `json:"type"`
	Steps            []templateStepJSON `json:"steps"`
}

type templateStepJSON struct {
	ID int `json:"id"`
	appJSON
	Label string `json:"label"`
}

func (t zapTemplate) json(base string) templateJSON {
	page := fmt.Sprintf("%s/templates/%d", base, t.ID)
	out := templateJSON{
		ID:               t.ID,
		Title:            t.Title,
		Slug:             t.Slug,
		Status:           t.Status,
		Description:      "<p>" + html.EscapeString(t.Description) + "</p>\n",
		DescriptionPlain: t.Description + "\n",
		DescriptionRaw:   t.Description,
		URL:              page,
		CreateURL:        page + "?create=1",
		Type:             "guided_zap",
	}
	for i, st := range t.Steps {
		out.Steps = append(out.Steps, templateStepJSON{ID: i + 1, appJSON: st.App.json(base), Label: st.Label})
	}
	return out
}

// appsPage is the body of GET /v1/apps.
type appsPage struct {
	Total   int         `json:"total"`
	Page    int         `json:"page"`
	Pages   int         `json:"pages"`
	PerPage int         `json:"per_page"`
	Objects []v1AppJSON `json:"objects"`
	PrevURL *string     `json:"prev_url"`
	NextURL *string     `json:"next_url"`
}

type v1AppJSON struct {
	UUID        string            `json:"uuid"`
	Title       string            `json:"title"`
	Slug        string            `json:"slug"`
	Description string            `json:"description"`
	Image       string            `json:"image"`
	URL         string            `json:"url"`
	Links       map[string]string `json:"links"`
	Categories  []slugJSON        `json:"categories"`
	Images      imagesJSON        `json:"images"`
	AppLatest   string            `json:"app_latest"`
}

type slugJSON struct {
	Slug string `json:"slug"`
}

const defaultPerPage = 10

// serveApps answers GET /v1/apps: page and per_page, with absolute
// next_url/prev_url links. Filters: category, title_search (in the title),
// title_starts_with, is_in_zap_template_with (any value: only apps in a
// template with the partner's app).
func (s *Server) serveApps(w http.ResponseWriter, r *http.Request, _ claims) {
	q := r.URL.Query()
	perPage, err := intParam(q, "per_page", defaultPerPage)
	if err != nil || perPage < 1 {
		writeV1Error(w, http.StatusBadRequest, "per_page must be a whole number from 1 to 100.")
		return
	}
	perPage = min(perPage, maxLimit)
	page, err := intParam(q, "page", 1)
	if err != nil || page < 1 {
		writeV1Error(w, http.StatusBadRequest, "page must be a whole number, 1 or more.")
		return
	}
	var inTemplates map[string]bool
	if q.Has("is_in_zap_template_with") {
		inTemplates = map[string]bool{}
		for _, t := range s.data.templates {
			for _, st := range t.Steps {
				inTemplates[st.App.Slug] = true
			}
		}
	}
	category := strings.ToLower(q.Get("category"))
	search := strings.ToLower(q.Get("title_search"))
	prefix := strings.ToLower(q.Get("title_starts_with"))
	var matched []*app
	for _, a := range s.data.directory {
		title := strings.ToLower(a.Title)
		switch {
		case category != "" && !slices.Contains(a.Categories, category),
			search != "" && !strings.Contains(title, search),
			prefix != "" && !strings.HasPrefix(title, prefix),
			inTemplates != nil && !inTemplates[a.Slug]:
			continue
		}
		matched = append(matched, a)
	}
	pages := max(1, (len(matched)+perPage-1)/perPage)
	if page > pages {
		writeV1Error(w, http.StatusNotFound, fmt.Sprintf("Invalid page: there are %d pages of %d.", pages, perPage))
		return
	}
	from, to := window(len(matched), perPage, (page-1)*perPage)
	base := baseURL(r)
	body := appsPage{Total: len(matched), Page: page, Pages: pages, PerPage: perPage, Objects: make([]v1AppJSON, 0, to-from)}
	for _, a := range matched[from:to] {
		body.Objects = append(body.Objects, a.v1JSON(base))
	}
	link := func(p int) *string {
		lq := withoutClientID(q)
		lq.Set("per_page", strconv.Itoa(perPage))
		lq.Set("page", strconv.Itoa(p))
		l := base + r.URL.Path + "?" + lq.Encode()
		return &l
	}
	if page < pages {
		body.NextURL = link(page + 1)
	}
	if page > 1 {
		body.PrevURL = link(page - 1)
	}
	writeJSON(w, http.StatusOK, body)
}

func (a *app) v1JSON(base string) v1AppJSON {
	full := a.json(base)
	out := v1AppJSON{
		UUID:        a.UUID,
		Title:       a.Title,
		Slug:        a.Slug,
		Description: a.Description,
		Image:       full.Image,
		URL:         full.URL,
		Links:       map[string]string{"mutual:zap_templates": base + "/v1/zap-templates?apps=" + url.QueryEscape(a.Slug)},
		Images:      full.Images,
		AppLatest:   a.API + "@latest",
	}
	for _, c := range a.Categories {
		out.Categories = append(out.Categories, slugJSON{c})
	}
	return out
}

// categoriesPage is the body of GET /v1/categories.
type categoriesPage struct {
	Count    int            `json:"count"`
	Next     *string        `json:"next"`
	Previous *string        `json:"previous"`
	Objects  []categoryJSON `json:"objects"`
}

type categoryJSON struct {
	ID       int     `json:"id"`
	Title    string  `json:"title"`
	Slug     string  `json:"slug"`
	Desc     string  `json:"description"`
	URL      string  `json:"url"`
	TypeOf   string  `json:"type_of"`
	Featured *string `json:"featured_entry_slug"`
	Role     string  `json:"role"`
}

// serveCategories answers GET /v1/categories: limit (default 10) and offset,
// with next/previous links. It needs no credentials at all.
func (s *Server) serveCategories(w http.ResponseWriter, r *http.Request, _ claims) {
	limit, offset, ok := limitOffset(w, r, 10)
	if !ok {
		return
	}
	all := s.data.categories
	from, to := window(len(all), limit, offset)
	base := baseURL(r)
	body := categoriesPage{Count: len(all), Objects: make([]categoryJSON, 0, to-from)}
	for _, c := range all[from:to] {
		cj := categoryJSON{ID: c.ID, Title: c.Title, Slug: c.Slug, Desc: c.Description,
			URL: base + "/categories/" + c.Slug, TypeOf: c.TypeOf, Role: c.Role}
		if c.Featured != "" {
			f := c.Featured
			cj.Featured = &f
		}
		body.Objects = append(body.Objects, cj)
	}
	q := r.URL.Query()
	if from+limit < len(all) {
		body.Next = pageLink(base, r.URL.Path, q, limit, from+limit)
	}
	if offset > 0 {
		body.Previous = pageLink(base, r.URL.Path, q, limit, max(0, offset-limit))
	}
	writeJSON(w, http.StatusOK, body)
}
