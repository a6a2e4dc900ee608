package partnerapi

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Auth is what an endpoint accepts as credentials.
type Auth string

const (
	AuthToken    Auth = "token"     // a bearer token only
	AuthClientID Auth = "client_id" // the client_id query parameter only
	AuthEither   Auth = "either"    // a token, or else the client_id
	AuthNone     Auth = "none"      // nothing
)

// Paging is how an endpoint spreads a list over pages.
type Paging string

const (
	// PagingNone: one object, not a list (v1/profiles/me).
	PagingNone Paging = "none"
	// PagingPage: page and per_page parameters; the body is
	// {total, page, pages, per_page, objects, prev_url, next_url} (v1/apps).
	PagingPage Paging = "page"
	// PagingLimitOffset: limit and offset parameters; the body is
	// {count, next, previous, objects} (v1/zaps, v1/categories).
	PagingLimitOffset Paging = "limit-offset"
	// PagingBareArray: limit and offset parameters; the body is a bare JSON
	// array with no count and no links, so a short page is the last
	// (v1/zap-templates).
	PagingBareArray Paging = "bare-array"
	// PagingEnvelope: limit and offset parameters; the body is the v2
	// envelope {links: {next, prev or previous}, meta: {count, offset,
	// limit}, data} (every v2 list).
	PagingEnvelope Paging = "envelope"
)

// Column is a column of a resource's table: Key names the cell in
// [Row].Cells, Title is the heading.
type Column struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	cell  func(item map[string]any) string
}

// Endpoint describes one read endpoint of the API: how to call it and how
// to show what it returns.
type Endpoint struct {
	ID     string // stable name, such as "v1/zaps"
	Title  string // for people, such as "Zaps"
	Path   string // such as "/v1/zaps"
	Auth   Auth
	Scopes []string // a token needs one of them; the first is the one to ask for; nil when none
	Paging Paging
	// Required are query parameters the endpoint cannot do without, such as
	// "app" for v2/actions.
	Required []string
	// MaxPageSize is the most items a page may hold; 0 for PagingNone.
	MaxPageSize int
	Columns     []Column

	id, url func(item map[string]any) string
}

// Scope is the scope to ask for to call the endpoint with a token; "" when
// it needs none.
func (e Endpoint) Scope() string {
	if len(e.Scopes) == 0 {
		return ""
	}
	return e.Scopes[0]
}

// Row is one item of a list as a table shows it.
type Row struct {
	ID    string
	Cells map[string]string // by Column.Key
	URL   string            // the item's page for people, "" when it has none
}

// Row extracts a table row from one raw item of the endpoint's list. An item
// that is not a JSON object gives a row of empty cells.
func (e Endpoint) Row(item json.RawMessage) Row {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(item))
	dec.UseNumber() // keeps large ids exact
	_ = dec.Decode(&obj)
	r := Row{Cells: make(map[string]string, len(e.Columns))}
	for _, c := range e.Columns {
		r.Cells[c.Key] = c.cell(obj)
	}
	if e.id != nil {
		r.ID = e.id(obj)
	}
	if e.url != nil {
		r.URL = e.url(obj)
	}
	return r
}

// Access is what a caller holds to call the API with.
type Access struct {
	ClientID string
	// Token: the caller has a token that is not known to be expired or
	// rejected.
	Token bool
	// Scopes are the scopes granted to the token; nil when not known.
	Scopes []string
}

// Check tells whether the endpoint can be called with a, and with which
// credential: a token when the endpoint takes one and a fits it, else the
// client_id. It fails with ErrNeedsToken, a *ScopeError, or
// ErrClientIDRejected (no client_id to send).
func (e Endpoint) Check(a Access) (Credential, error) {
	hasScope := a.Scopes == nil || len(e.Scopes) == 0 || slices.ContainsFunc(e.Scopes, func(s string) bool { return slices.Contains(a.Scopes, s) })
	switch e.Auth {
	case AuthNone:
		return CredentialNone, nil
	case AuthClientID:
		if a.ClientID == "" {
			return CredentialNone, ErrClientIDRejected
		}
		return CredentialClientID, nil
	case AuthEither:
		if a.Token && hasScope {
			return CredentialToken, nil
		}
		if a.ClientID == "" {
			if a.Token {
				return CredentialNone, &ScopeError{Endpoint: e.ID, Scope: e.Scope()}
			}
			return CredentialNone, ErrNeedsToken
		}
		return CredentialClientID, nil
	}
	if !a.Token {
		return CredentialNone, ErrNeedsToken
	}
	if !hasScope {
		return CredentialNone, &ScopeError{Endpoint: e.ID, Scope: e.Scope()}
	}
	return CredentialToken, nil
}

// Endpoints lists every read endpoint the client knows, v1 first.
func Endpoints() []Endpoint { return slices.Clone(registry) }

// EndpointByID finds an endpoint by its ID, such as "v2/apps".
func EndpointByID(id string) (Endpoint, bool) {
	for _, e := range registry {
		if e.ID == id {
			return e, true
		}
	}
	return Endpoint{}, false
}

// EndpointForPath finds the endpoint a path such as "/v1/zaps" or "v1/zaps/"
// calls (no query).
func EndpointForPath(path string) (Endpoint, bool) {
	p := "/" + strings.Trim(path, "/")
	for _, e := range registry {
		if e.Path == p {
			return e, true
		}
	}
	return Endpoint{}, false
}

var registry = []Endpoint{
	{
		ID: "v1/profiles/me", Title: "Profile", Path: "/v1/profiles/me",
		Auth: AuthToken, Scopes: []string{"profile"}, Paging: PagingNone,
		Columns: []Column{
			col("name", "Name", field("full_name")),
			col("email", "Email", field("email")),
			col("timezone", "Time zone", field("timezone")),
		},
		id: field("id"),
	},
	{
		ID: "v1/zaps", Title: "Zaps", Path: "/v1/zaps",
		Auth: AuthToken, Scopes: []string{"zap"}, Paging: PagingLimitOffset, MaxPageSize: 100,
		Columns: []Column{
			col("title", "Title", field("title")),
			col("state", "State", field("state")),
			col("apps", "Apps", listOf("steps", "app.title")),
			col("modified", "Modified", field("modified_at")),
		},
		id: field("id"), url: field("url"),
	},
	{
		ID: "v1/zap-templates", Title: "Zap templates", Path: "/v1/zap-templates",
		Auth: AuthClientID, Paging: PagingBareArray, MaxPageSize: 100,
		Columns: []Column{
			col("title", "Title", field("title")),
			col("apps", "Apps", listOf("steps", "title")),
			col("status", "Status", field("status")),
		},
		id: field("id"), url: field("url"),
	},
	{
		ID: "v1/apps", Title: "Apps", Path: "/v1/apps",
		Auth: AuthClientID, Paging: PagingPage, MaxPageSize: 100,
		Columns: []Column{
			col("title", "Title", field("title")),
			col("category", "Category", listOf("categories", "slug")),
		},
		id: field("uuid"), url: field("url"),
	},
	{
		ID: "v1/categories", Title: "Categories", Path: "/v1/categories",
		Auth: AuthNone, Paging: PagingLimitOffset, MaxPageSize: 100,
		Columns: []Column{
			col("title", "Title", field("title")),
			col("slug", "Slug", field("slug")),
			col("type", "Type", field("type_of")),
			col("role", "Role", field("role")),
		},
		id: field("id"), url: field("url"),
	},
	{
		ID: "v2/zaps", Title: "Zaps (v2)", Path: "/v2/zaps",
		Auth: AuthToken, Scopes: []string{"zap", "zap:all", "zap:account:all"}, Paging: PagingEnvelope, MaxPageSize: 100,
		Columns: []Column{
			col("title", "Title", field("title")),
			col("enabled", "Enabled", yesNo("is_enabled")),
			col("steps", "Steps", count("steps")),
			col("updated", "Updated", field("updated_at")),
			col("lastRun", "Last successful run", field("last_successful_run_date")),
		},
		id: field("id"), url: field("links.html_editor"),
	},
	{
		ID: "v2/apps", Title: "Apps (v2)", Path: "/v2/apps",
		Auth: AuthEither, Scopes: []string{"zap"}, Paging: PagingEnvelope, MaxPageSize: 100,
		Columns: []Column{
			col("title", "Title", field("title")),
			col("category", "Category", listOf("categories", "slug")),
			col("actionTypes", "Action types", listOf("action_types", "")),
		},
		id: field("id"),
	},
	{
		ID: "v2/actions", Title: "Actions", Path: "/v2/actions",
		Auth: AuthEither, Scopes: []string{"zap"}, Paging: PagingEnvelope, MaxPageSize: 100,
		Required: []string{"app"},
		Columns: []Column{
			col("title", "Title", field("title")),
			col("actionType", "Type", field("action_type")),
			col("key", "Key", field("key")),
			col("instant", "Instant", yesNo("is_instant")),
		},
		id: field("id"),
	},
	{
		ID: "v2/authentications", Title: "Authentications", Path: "/v2/authentications",
		Auth: AuthToken, Scopes: []string{"authentication", "connection:read"}, Paging: PagingEnvelope, MaxPageSize: 100,
		Required: []string{"app"},
		Columns: []Column{
			col("title", "Title", field("title")),
			col("expired", "Expired", yesNo("is_expired")),
		},
		id: field("id"),
	},
	{
		ID: "v2/zap-runs", Title: "Zap runs", Path: "/v2/zap-runs",
		Auth: AuthToken, Scopes: []string{"zap:runs"}, Paging: PagingEnvelope, MaxPageSize: 100,
		Columns: []Column{
			col("zap", "Zap", field("zap_title")),
			col("status", "Status", field("status")),
			col("started", "Started", field("start_time")),
			col("ended", "Ended", field("end_time")),
		},
		id: field("id"),
	},
}

func col(key, title string, cell func(map[string]any) string) Column {
	return Column{Key: key, Title: title, cell: cell}
}

// lookup follows a dotted path ("links.html_editor") into a decoded item.
func lookup(v any, path string) any {
	if path == "" {
		return v
	}
	for part := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

// text writes a JSON scalar as a cell: strings as they are, numbers in full,
// booleans as yes/no; objects, lists and null as "".
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "yes"
		}
		return "no"
	}
	return ""
}

func field(path string) func(map[string]any) string {
	return func(item map[string]any) string { return text(lookup(item, path)) }
}

func yesNo(path string) func(map[string]any) string { return field(path) }

// listOf joins one field of each element of a list, without repeats, in
// order: the apps of a Zap's steps, the slugs of an app's categories. An
// empty path takes the elements themselves.
func listOf(list, path string) func(map[string]any) string {
	return func(item map[string]any) string {
		elems, _ := lookup(item, list).([]any)
		var out []string
		for _, el := range elems {
			if s := text(lookup(el, path)); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return strings.Join(out, ", ")
	}
}

func count(list string) func(map[string]any) string {
	return func(item map[string]any) string {
		elems, ok := lookup(item, list).([]any)
		if !ok {
			return ""
		}
		return strconv.Itoa(len(elems))
	}
}
