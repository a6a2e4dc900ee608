package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// access is what an endpoint accepts as credentials, as on Zapier.
type access int

const (
	bearerOnly   access = iota // a token; 401/403 otherwise
	clientIDOnly               // the client_id query parameter; a token is ignored
	eitherAuth                 // a token when an Authorization header is sent, else the client_id
	openAccess                 // nothing
)

func (a access) String() string {
	return [...]string{"token", "client_id", "token or client_id", "none"}[a]
}

// apiRoute is one read endpoint of the API. To add an endpoint, add a row to
// apiEndpoints: the wrapper checks the method, the rate limit and the
// credentials before serve runs. c is the token's claims, zero when the
// request came with a client_id or nothing.
type apiRoute struct {
	path   string
	access access
	scopes []string // a token needs at least one of them
	serve  func(s *Server, w http.ResponseWriter, r *http.Request, c claims)
}

var apiEndpoints = []apiRoute{
	{path: "/v1/profiles/me", access: bearerOnly, scopes: []string{"profile"}, serve: (*Server).serveProfile},
	{path: "/v1/zaps", access: bearerOnly, scopes: []string{"zap"}, serve: (*Server).serveZaps},
	{path: "/v1/zap-templates", access: clientIDOnly, serve: (*Server).serveTemplates},
	{path: "/v1/apps", access: clientIDOnly, serve: (*Server).serveApps},
	{path: "/v1/categories", access: openAccess, serve: (*Server).serveCategories},
	{path: "/v2/zaps", access: bearerOnly, scopes: []string{"zap", "zap:all", "zap:account:all"}, serve: (*Server).serveV2Zaps},
	{path: "/v2/apps", access: eitherAuth, scopes: []string{"zap"}, serve: (*Server).serveV2Apps},
	{path: "/v2/actions", access: eitherAuth, scopes: []string{"zap"}, serve: (*Server).serveV2Actions},
	{path: "/v2/authentications", access: bearerOnly, scopes: []string{"authentication", "connection:read"}, serve: (*Server).serveV2Authentications},
	{path: "/v2/zap-runs", access: bearerOnly, scopes: []string{"zap:runs"}, serve: (*Server).serveV2ZapRuns},
}

// Limits of the limit/offset pagination of v1 lists.
const (
	defaultLimit = 5
	maxLimit     = 100
)

func (s *Server) apiRoutes(mux *http.ServeMux) {
	for _, rt := range apiEndpoints {
		mux.Handle(rt.path, s.limitRate(s.guard(rt)))
	}
	mux.Handle("/v1/", s.limitRate(http.HandlerFunc(s.serveAPINotFound)))
	mux.Handle("/v2/", s.limitRate(http.HandlerFunc(s.serveAPINotFound)))
}

// guard wraps an endpoint with the checks Zapier makes: the method, then the
// credentials the endpoint takes (see authenticate and checkClientID).
func (s *Server) guard(rt apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "MethodNotAllowed",
				fmt.Sprintf("Method %s is not allowed here.", r.Method))
			return
		}
		useToken := rt.access == bearerOnly || rt.access == eitherAuth && r.Header.Get("Authorization") != ""
		var c claims
		switch {
		case useToken:
			var fail *authFailure
			if c, fail = s.authenticate(r, rt.scopes); fail != nil {
				s.log.Info("api request refused", "path", r.URL.Path, "status", fail.status, "reason", fail.message)
				w.Header().Set("WWW-Authenticate", fail.challenge)
				code, title := "not_authenticated", "NotAuthenticated"
				if fail.status == http.StatusForbidden {
					code, title = "permission_denied", "PermissionDenied"
				}
				writeError(w, r, fail.status, code, title, fail.message)
				return
			}
		case rt.access == clientIDOnly || rt.access == eitherAuth:
			if msg := s.checkClientID(r); msg != "" {
				s.log.Info("api request refused", "path", r.URL.Path, "status", http.StatusUnauthorized, "reason", msg)
				writeError(w, r, http.StatusUnauthorized, "not_authenticated", "NotAuthenticated", msg)
				return
			}
		}
		rt.serve(s, w, r, c)
	})
}

// checkClientID says what is wrong with the request's client_id; "" when
// it names a registered client.
func (s *Server) checkClientID(r *http.Request) string {
	id := r.URL.Query().Get("client_id")
	if id == "" {
		return "Missing client_id: this endpoint needs your app's client_id in the query string (?client_id=...)."
	}
	if _, ok := s.clients[id]; !ok {
		return "Unknown client_id: the sandbox registers no client with that id."
	}
	return ""
}

// authFailure is why a request's token was refused: the status, the
// WWW-Authenticate challenge (RFC 6750 3) and the message for the body.
type authFailure struct {
	status    int
	challenge string
	message   string
}

const realm = `Bearer realm="Partnerdesk Sandbox"`

// authenticate checks that the request carries a valid token with one of
// the scopes.
func (s *Server) authenticate(r *http.Request, scopes []string) (claims, *authFailure) {
	invalid := func(msg string) *authFailure {
		return &authFailure{http.StatusUnauthorized, realm + `, error="invalid_token"`, "Invalid token: " + msg + "."}
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return claims{}, &authFailure{http.StatusUnauthorized, realm,
			"Authentication credentials were not provided: send the header Authorization: Bearer <access token>."}
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return claims{}, invalid(`the Authorization header must be "Bearer" followed by the access token`)
	}
	c, err := s.verifyToken(token)
	if err != nil {
		return claims{}, invalid(err.Error())
	}
	if c.Chain != "" && s.chains.revoked(c.Chain) {
		return claims{}, invalid("the access token was revoked because its authorization code was used twice")
	}
	if _, ok := s.clients[c.ClientID]; !ok {
		return claims{}, &authFailure{http.StatusForbidden, realm + `, error="invalid_token"`,
			"Invalid authentication: the access token was issued to a client that this sandbox does not register."}
	}
	if !c.hasScope(scopes...) {
		// The challenge names the one scope to ask for (RFC 6750 lists
		// scopes that are all needed); the message names every one that would do.
		return claims{}, &authFailure{http.StatusForbidden,
			realm + `, error="insufficient_scope", scope="` + scopes[0] + `"`,
			missingScopeMessage(scopes, c.Scopes)}
	}
	return c, nil
}

func missingScopeMessage(need, have []string) string {
	quoted := make([]string, len(need))
	for i, n := range need {
		quoted[i] = strconv.Quote(n)
	}
	granted := strings.Join(have, " ")
	if granted == "" {
		granted = "none"
	}
	return fmt.Sprintf("Missing scope: this endpoint requires the %s OAuth scope; the access token has: %s.",
		strings.Join(quoted, " or "), granted)
}

func (s *Server) serveAPINotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusNotFound, "not_found", "NotFound", fmt.Sprintf("Not found: the sandbox does not serve %s.", r.URL.Path))
}

// serveProfile answers GET /v1/profiles/me.
func (s *Server) serveProfile(w http.ResponseWriter, _ *http.Request, _ claims) {
	writeJSON(w, http.StatusOK, s.data.user)
}

// zapsPage is the body of GET /v1/zaps.
type zapsPage struct {
	Count    int       `json:"count"`
	Next     *string   `json:"next"`
	Previous *string   `json:"previous"`
	Objects  []zapJSON `json:"objects"`
}

type zapJSON struct {
	ID         int64      `json:"id"`
	Title      string     `json:"title"`
	State      string     `json:"state"`
	Steps      []stepJSON `json:"steps"`
	URL        string     `json:"url"`
	ModifiedAt string     `json:"modified_at"`
}

type stepJSON struct {
	TypeOf string            `json:"type_of"`
	App    appJSON           `json:"app"`
	Params map[string]string `json:"params"`
}

type appJSON struct {
	ID          int64      `json:"id"`
	UUID        string     `json:"uuid"`
	Title       string     `json:"title"`
	Slug        string     `json:"slug"`
	Description string     `json:"description"`
	HexColor    string     `json:"hex_color"`
	Image       string     `json:"image"`
	Images      imagesJSON `json:"images"`
	API         string     `json:"api"`
	URL         string     `json:"url"`
}

type imagesJSON struct {
	URL16  string `json:"url_16x16"`
	URL32  string `json:"url_32x32"`
	URL64  string `json:"url_64x64"`
	URL128 string `json:"url_128x128"`
}

// serveZaps answers GET /v1/zaps: limit/offset pagination with absolute
// next/previous links that keep the other query parameters; params__KEY=VALUE
// keeps the Zaps whose partner-app steps have that param; get_params (any
// value) shows those params, which are null otherwise.
func (s *Server) serveZaps(w http.ResponseWriter, r *http.Request, _ claims) {
	q := r.URL.Query()
	limit, offset, ok := limitOffset(w, r, defaultLimit)
	if !ok {
		return
	}

	matched := s.data.zaps
	if filters := paramFilters(q); len(filters) > 0 {
		matched = nil
		for _, z := range s.data.zaps {
			if z.matches(filters) {
				matched = append(matched, z)
			}
		}
	}
	count := len(matched)
	from := min(offset, count) // keeps from+limit far from overflowing
	page := matched[from:min(from+limit, count)]

	base := baseURL(r)
	body := zapsPage{Count: count, Objects: make([]zapJSON, 0, len(page))}
	for _, z := range page {
		body.Objects = append(body.Objects, z.json(base, q.Has("get_params")))
	}
	if from+limit < count {
		body.Next = pageLink(base, r.URL.Path, q, limit, from+limit)
	}
	if offset > 0 {
		body.Previous = pageLink(base, r.URL.Path, q, limit, max(0, offset-limit))
	}
	writeJSON(w, http.StatusOK, body)
}

// paramFilters collects the params__KEY=VALUE filters of a zap list query.
func paramFilters(q url.Values) map[string]string {
	filters := map[string]string{}
	for k, v := range q {
		if key, ok := strings.CutPrefix(k, "params__"); ok && key != "" {
			filters[key] = v[0]
		}
	}
	return filters
}

// matches reports whether every filter is met by one of the Zap's steps.
func (z zap) matches(filters map[string]string) bool {
	for key, want := range filters {
		found := false
		for _, st := range z.Steps {
			if v, ok := st.Params[key]; ok && v == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (z zap) json(base string, withParams bool) zapJSON {
	out := zapJSON{
		ID:         z.ID,
		Title:      z.Title,
		State:      z.State,
		Steps:      make([]stepJSON, len(z.Steps)),
		URL:        fmt.Sprintf("%s/editor/%d", base, z.ID),
		ModifiedAt: z.ModifiedAt.Format(time.RFC3339),
	}
	for i, st := range z.Steps {
		out.Steps[i] = stepJSON{TypeOf: st.TypeOf, App: st.App.json(base)}
		if withParams {
			out.Steps[i].Params = st.Params
		}
	}
	return out
}

func (a *app) json(base string) appJSON {
	page := base + "/apps/" + a.Slug
	icon := page + "/icon.svg"
	return appJSON{
		ID:          a.ID,
		UUID:        a.UUID,
		Title:       a.Title,
		Slug:        a.Slug,
		Description: a.Description,
		HexColor:    a.HexColor,
		Image:       icon,
		Images: imagesJSON{
			URL16:  icon + "?size=16",
			URL32:  icon + "?size=32",
			URL64:  icon + "?size=64",
			URL128: icon + "?size=128",
		},
		API: a.API,
		URL: page,
	}
}

// pageLink is the absolute URL of another page of the same list.
func pageLink(base, path string, q url.Values, limit, offset int) *string {
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Set("limit", strconv.Itoa(limit))
	next.Set("offset", strconv.Itoa(offset))
	link := base + path + "?" + next.Encode()
	return &link
}

// intParam reads an integer query parameter, def when it is absent or empty.
func intParam(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

// writeError writes an error body of the shape of the request's API
// version: v1 strings, or v2 JSON:API error objects.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, title, detail string) {
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		writeV2Error(w, status, code, title, detail)
		return
	}
	writeV1Error(w, status, detail)
}

// v2Error is a JSON:API error object, as v2 endpoints send them.
type v2Error struct {
	Status int     `json:"status"`
	Code   string  `json:"code"`
	Title  string  `json:"title"`
	Detail string  `json:"detail"`
	Source *string `json:"source"`
	Meta   v2Meta  `json:"meta"`
}

type v2Meta struct {
	Source      string `json:"source"`
	FullDetails struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	} `json:"full_details"`
}

// writeV2Error writes a v2 error body: {"errors": [{status, code, title, detail, source, meta}]}.
func writeV2Error(w http.ResponseWriter, status int, code, title, detail string) {
	e := v2Error{Status: status, Code: code, Title: title, Detail: detail, Meta: v2Meta{Source: "SANDBOX"}}
	e.Meta.FullDetails.Message, e.Meta.FullDetails.Code = detail, code
	writeJSON(w, status, struct {
		Errors []v2Error `json:"errors"`
	}{[]v2Error{e}})
}

// writeV1Error writes a v1 error body: {"errors": ["..."]}.
func writeV1Error(w http.ResponseWriter, status int, msgs ...string) {
	writeJSON(w, status, struct {
		Errors []string `json:"errors"`
	}{msgs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
