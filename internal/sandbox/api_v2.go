package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// v2DefaultLimit is the page size of v2 lists when the request sets none.
const v2DefaultLimit = 10

// envelope is the body of every v2 list: links, meta and data.
type envelope struct {
	Links map[string]*string `json:"links"`
	Meta  envelopeMeta       `json:"meta"`
	Data  any                `json:"data"`
}

type envelopeMeta struct {
	Count  int `json:"count"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// writeEnvelope writes one page of a v2 list of total items, with absolute
// next and previous links that keep the request's other parameters. Zapier's
// own documents call the previous link "prev" in most places and "previous"
// in one; prevKey says which this endpoint uses.
func writeEnvelope(w http.ResponseWriter, r *http.Request, data any, total, limit, offset int, prevKey string) {
	q := withoutClientID(r.URL.Query())
	link := func(off int) *string {
		lq := url.Values{}
		for k, v := range q {
			lq[k] = v
		}
		lq.Set("limit", strconv.Itoa(limit))
		lq.Set("offset", strconv.Itoa(off))
		l := baseURL(r) + r.URL.Path + "?" + lq.Encode()
		return &l
	}
	env := envelope{
		Links: map[string]*string{"next": nil, prevKey: nil},
		Meta:  envelopeMeta{Count: total, Offset: offset, Limit: limit},
		Data:  data,
	}
	if offset+limit < total {
		env.Links["next"] = link(offset + limit)
	}
	if offset > 0 {
		env.Links[prevKey] = link(max(0, offset-limit))
	}
	writeJSON(w, http.StatusOK, env)
}

// badRequest answers 400 with a v2 error body.
func badRequest(w http.ResponseWriter, detail string) {
	writeV2Error(w, http.StatusBadRequest, "parse_error", "ParseError", detail)
}

type v2ZapJSON struct {
	Type        string  `json:"type"`
	ID          string  `json:"id"`
	IsEnabled   bool    `json:"is_enabled"`
	LastSuccess *string `json:"last_successful_run_date"`
	UpdatedAt   string  `json:"updated_at"`
	Title       string  `json:"title"`
	Links       struct {
		HTMLEditor string `json:"html_editor"`
	} `json:"links"`
	Steps []v2StepJSON `json:"steps"`
}

type v2StepJSON struct {
	Action         any               `json:"action"` // the id, or the action with expand=steps.action
	Authentication *string           `json:"authentication"`
	Inputs         map[string]string `json:"inputs"`
	Title          *string           `json:"title"`
}

// v2ZapID writes a Zap's number as the UUID-shaped id v2 uses.
func v2ZapID(id int64) string { return fmt.Sprintf("00000000-0000-c000-8000-%012d", id) }

// serveV2Zaps answers GET /v2/zaps: the same Zaps as /v1/zaps, in the v2
// shape. expand=steps.action puts each step's action in full.
func (s *Server) serveV2Zaps(w http.ResponseWriter, r *http.Request, _ claims) {
	limit, offset, ok := limitOffset(w, r, v2DefaultLimit)
	if !ok {
		return
	}
	expand := slices.Contains(strings.Split(r.URL.Query().Get("expand"), ","), "steps.action")
	from, to := window(len(s.data.zaps), limit, offset)
	base := baseURL(r)
	out := make([]v2ZapJSON, 0, to-from)
	for _, z := range s.data.zaps[from:to] {
		out = append(out, s.data.v2Zap(&z, base, expand))
	}
	writeEnvelope(w, r, out, len(s.data.zaps), limit, offset, "prev")
}

func (d *dataset) v2Zap(z *zap, base string, expand bool) v2ZapJSON {
	out := v2ZapJSON{
		Type:      "zap",
		ID:        v2ZapID(z.ID),
		IsEnabled: z.State == "on",
		UpdatedAt: z.ModifiedAt.UTC().Format(time.RFC3339),
		Title:     z.Title,
		Steps:     make([]v2StepJSON, len(z.Steps)),
	}
	out.Links.HTMLEditor = fmt.Sprintf("%s/editor/%d", base, z.ID)
	if t, ok := d.lastOK[z.ID]; ok {
		s := t.UTC().Format(time.RFC3339)
		out.LastSuccess = &s
	}
	for i, st := range z.Steps {
		ac := actionFor(st.App, st.TypeOf)
		step := v2StepJSON{Action: ac.ID, Inputs: map[string]string{}}
		if expand {
			step.Action = ac.json(st.App)
		}
		for k, v := range st.Params {
			step.Inputs[k] = v
		}
		for _, au := range d.authentications[st.App.UUID] {
			if !au.Expired {
				id := au.ID
				step.Authentication = &id
				break
			}
		}
		out.Steps[i] = step
	}
	return out
}

// actionFor picks the action a Zap step of typeOf (read, write, search,
// filter) uses.
func actionFor(a *app, typeOf string) action {
	acts := actionsOf(a)
	want := map[string]string{"read": "READ", "write": "WRITE", "search": "SEARCH"}[typeOf]
	for _, ac := range acts {
		if ac.Type == want {
			return ac
		}
	}
	return acts[0]
}

type v2AppJSON struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Image string `json:"image"`
	Links struct {
		Connect string `json:"connect_new_authentication"`
	} `json:"links"`
	ActionTypes []string   `json:"action_types"`
	Title       string     `json:"title"`
	Images      imagesJSON `json:"images"`
	HexColor    string     `json:"hex_color"`
	Categories  []slugJSON `json:"categories"`
	Description string     `json:"description"`
}

func (a *app) v2JSON(base string) v2AppJSON {
	full := a.json(base)
	out := v2AppJSON{
		ID: a.UUID, Type: "app", Image: full.Image, ActionTypes: actionTypes(actionsOf(a)),
		Title: a.Title, Images: full.Images, HexColor: a.HexColor, Description: a.Description,
		Categories: []slugJSON{},
	}
	out.Links.Connect = full.URL + "?connect=1"
	for _, c := range a.Categories {
		out.Categories = append(out.Categories, slugJSON{c})
	}
	return out
}

// serveV2Apps answers GET /v2/apps: the app directory. Filters: category,
// ids (comma-separated app ids; not with category), query (in the title).
func (s *Server) serveV2Apps(w http.ResponseWriter, r *http.Request, _ claims) {
	limit, offset, ok := limitOffset(w, r, v2DefaultLimit)
	if !ok {
		return
	}
	q := r.URL.Query()
	category := strings.ToLower(q.Get("category"))
	search := strings.ToLower(q.Get("query"))
	var ids []string
	for id := range strings.SplitSeq(q.Get("ids"), ",") {
		if id = strings.TrimSpace(strings.ToLower(id)); id != "" {
			ids = append(ids, id)
		}
	}
	if category != "" && len(ids) > 0 {
		badRequest(w, "ids cannot be combined with category.")
		return
	}
	var matched []*app
	for _, a := range s.data.directory {
		switch {
		case category != "" && !slices.Contains(a.Categories, category),
			len(ids) > 0 && !slices.Contains(ids, a.UUID),
			search != "" && !strings.Contains(strings.ToLower(a.Title), search):
			continue
		}
		matched = append(matched, a)
	}
	from, to := window(len(matched), limit, offset)
	base := baseURL(r)
	out := make([]v2AppJSON, 0, to-from)
	for _, a := range matched[from:to] {
		out = append(out, a.v2JSON(base))
	}
	writeEnvelope(w, r, out, len(matched), limit, offset, "previous")
}

type v2ActionJSON struct {
	ID          string `json:"id"`
	Key         string `json:"key"`
	App         string `json:"app"`
	Type        string `json:"type"`
	ActionType  string `json:"action_type"`
	IsInstant   bool   `json:"is_instant"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (ac action) json(a *app) v2ActionJSON {
	return v2ActionJSON{ID: ac.ID, Key: ac.Key, App: a.UUID, Type: "action", ActionType: ac.Type,
		IsInstant: ac.Instant, Title: ac.Title, Description: ac.Description}
}

var actionTypeNames = []string{"READ", "READ_BULK", "SEARCH", "SEARCH_AND_WRITE", "SEARCH_OR_WRITE", "WRITE"}

// appParam reads the required app parameter of v2/actions and
// v2/authentications, answering 400 or 404 when it is missing or unknown.
func (s *Server) appParam(w http.ResponseWriter, r *http.Request) (*app, bool) {
	id := r.URL.Query().Get("app")
	if id == "" {
		badRequest(w, "app is required: give the id of an app from /v2/apps.")
		return nil, false
	}
	a, ok := s.data.appByUUID(id)
	if !ok {
		writeV2Error(w, http.StatusNotFound, "not_found", "NotFound", "No app has the id "+strconv.Quote(id)+".")
		return nil, false
	}
	return a, true
}

// serveV2Actions answers GET /v2/actions?app=ID[&action_type=TYPE].
func (s *Server) serveV2Actions(w http.ResponseWriter, r *http.Request, _ claims) {
	a, ok := s.appParam(w, r)
	if !ok {
		return
	}
	limit, offset, ok := limitOffset(w, r, v2DefaultLimit)
	if !ok {
		return
	}
	typ := strings.ToUpper(r.URL.Query().Get("action_type"))
	if typ != "" && !slices.Contains(actionTypeNames, typ) {
		badRequest(w, "action_type must be one of "+strings.Join(actionTypeNames, ", ")+".")
		return
	}
	var matched []v2ActionJSON
	for _, ac := range actionsOf(a) {
		if typ == "" || ac.Type == typ {
			matched = append(matched, ac.json(a))
		}
	}
	from, to := window(len(matched), limit, offset)
	writeEnvelope(w, r, append([]v2ActionJSON{}, matched[from:to]...), len(matched), limit, offset, "prev")
}

type v2AuthenticationJSON struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	App       string `json:"app"`
	IsExpired bool   `json:"is_expired"`
	Title     string `json:"title"`
}

// serveV2Authentications answers GET /v2/authentications?app=ID: the
// accounts the user connected to that app.
func (s *Server) serveV2Authentications(w http.ResponseWriter, r *http.Request, _ claims) {
	a, ok := s.appParam(w, r)
	if !ok {
		return
	}
	limit, offset, ok := limitOffset(w, r, v2DefaultLimit)
	if !ok {
		return
	}
	all := s.data.authentications[a.UUID]
	from, to := window(len(all), limit, offset)
	out := make([]v2AuthenticationJSON, 0, to-from)
	for _, au := range all[from:to] {
		out = append(out, v2AuthenticationJSON{Type: "authentication", ID: au.ID, App: au.AppUUID, IsExpired: au.Expired, Title: au.Title})
	}
	writeEnvelope(w, r, out, len(all), limit, offset, "prev")
}

type zapRunJSON struct {
	ID        string           `json:"id"`
	ZapID     int64            `json:"zap_id"`
	StartTime string           `json:"start_time"`
	EndTime   string           `json:"end_time"`
	Status    string           `json:"status"`
	ZapTitle  string           `json:"zap_title"`
	Steps     []zapRunStepJSON `json:"steps"`
	DataIn    string           `json:"data_in"`
	DataOut   string           `json:"data_out"`
}

type zapRunStepJSON struct {
	Status    string `json:"status"`
	StartTime string `json:"start_time"`
}

// runTime is how v2 writes times: UTC with microseconds.
const runTime = "2006-01-02T15:04:05.000000Z"

var runStatusNames = []string{"delayed", "scheduled", "pending", "error", "error_handled", "halted", "throttled", "held", "filtered", "skipped", "success"}

// serveV2ZapRuns answers GET /v2/zap-runs, newest first. Filters: zap_id,
// statuses (comma-separated), search (in the Zap's title and the data),
// from_date and to_date (RFC 3339).
func (s *Server) serveV2ZapRuns(w http.ResponseWriter, r *http.Request, _ claims) {
	limit, offset, ok := limitOffset(w, r, v2DefaultLimit)
	if !ok {
		return
	}
	q := r.URL.Query()
	var zapID int64
	if v := q.Get("zap_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			badRequest(w, "zap_id must be a whole number.")
			return
		}
		zapID = id
	}
	var statuses []string
	for st := range strings.SplitSeq(q.Get("statuses"), ",") {
		if st = strings.TrimSpace(st); st == "" {
			continue
		} else if !slices.Contains(runStatusNames, st) {
			badRequest(w, "statuses may hold only "+strings.Join(runStatusNames, ", ")+".")
			return
		}
		statuses = append(statuses, st)
	}
	var from, to time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from_date", &from}, {"to_date", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				badRequest(w, p.name+" must be a date and time such as 2024-10-16T06:29:10Z.")
				return
			}
			*p.t = t
		}
	}
	search := strings.ToLower(q.Get("search"))
	var matched []*zapRun
	for i := range s.data.runs {
		run := &s.data.runs[i]
		switch {
		case zapID != 0 && run.ZapID != zapID,
			len(statuses) > 0 && !slices.Contains(statuses, run.Status),
			!from.IsZero() && run.Start.Before(from),
			!to.IsZero() && !run.Start.Before(to),
			search != "" && !strings.Contains(strings.ToLower(run.ZapTitle+"\n"+run.DataIn+"\n"+run.DataOut), search):
			continue
		}
		matched = append(matched, run)
	}
	lo, hi := window(len(matched), limit, offset)
	out := make([]zapRunJSON, 0, hi-lo)
	for _, run := range matched[lo:hi] {
		rj := zapRunJSON{ID: run.ID, ZapID: run.ZapID, StartTime: run.Start.Format(runTime), EndTime: run.End.Format(runTime),
			Status: run.Status, ZapTitle: run.ZapTitle, DataIn: run.DataIn, DataOut: run.DataOut}
		step := run.Start
		for _, st := range run.StepStatuses {
			rj.Steps = append(rj.Steps, zapRunStepJSON{Status: st, StartTime: step.Format(runTime)})
			step = step.Add(run.End.Sub(run.Start) / time.Duration(len(run.StepStatuses)))
		}
		out = append(out, rj)
	}
	writeEnvelope(w, r, out, len(matched), limit, offset, "prev")
}
