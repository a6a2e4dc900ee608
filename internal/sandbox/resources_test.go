package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// getJSON calls path with a token ("" for none) and decodes a 200 answer.
func getJSON(t *testing.T, s *Server, path, token string, into any) {
	t.Helper()
	resp, body := apiGet(t, s.URL()+path, token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), into); err != nil {
		t.Fatalf("GET %s: %v\n%.300s", path, err, body)
	}
}

const client = "client_id=" + ClientID

func TestEachEndpointTakesTheCredentialsZapiersDoes(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	token := tokenFor(t, s, "profile zap zap:runs authentication")
	var apps struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	getJSON(t, s, "/v2/apps?"+client, "", &apps)
	app := "app=" + apps.Data[0].ID

	tests := []struct {
		name, path, token string
		want              int
		wantText          string
	}{
		{"templates with a client_id", "/v1/zap-templates?" + client, "", 200, ""},
		{"templates without one", "/v1/zap-templates", "", 401, "Missing client_id"},
		{"templates with a token but no client_id", "/v1/zap-templates", token, 401, "Missing client_id"},
		{"apps with an unknown client_id", "/v1/apps?client_id=nobody", "", 401, "Unknown client_id"},
		{"categories with nothing", "/v1/categories", "", 200, ""},
		{"v2 apps with a client_id", "/v2/apps?" + client, "", 200, ""},
		{"v2 apps with a token", "/v2/apps", token, 200, ""},
		{"v2 apps with a bad token, even with a client_id", "/v2/apps?" + client, "sbx_bad", 401, "Invalid token"},
		{"v2 apps with nothing", "/v2/apps", "", 401, "Missing client_id"},
		{"v2 actions with a client_id", "/v2/actions?" + client + "&" + app, "", 200, ""},
		{"v2 actions without an app", "/v2/actions?" + client, "", 400, "app is required"},
		{"v2 actions of an unknown app", "/v2/actions?" + client + "&app=nope", "", 404, "No app"},
		{"v2 authentications with a client_id only", "/v2/authentications?" + client + "&" + app, "", 401, "credentials were not provided"},
		{"v2 authentications with a token", "/v2/authentications?" + app, token, 200, ""},
		{"v2 zaps with a token", "/v2/zaps", token, 200, ""},
		{"v2 zap runs with a token", "/v2/zap-runs", token, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := apiGet(t, s.URL()+tt.path, tt.token)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want == 200 {
				return
			}
			var msg string
			if strings.HasPrefix(tt.path, "/v2/") {
				msg = v2Errors(t, body)[0].Detail
			} else {
				msg = v1Errors(t, body)[0]
			}
			if !strings.Contains(msg, tt.wantText) {
				t.Errorf("error %q does not say %q", msg, tt.wantText)
			}
		})
	}
}

func TestAMissingScopeIsNamedInBothShapes(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	token := tokenFor(t, s, "profile")
	for _, path := range []string{"/v1/zaps", "/v2/zaps", "/v2/zap-runs"} {
		resp, body := apiGet(t, s.URL()+path, token)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		challenge := resp.Header.Get("WWW-Authenticate")
		if !strings.Contains(challenge, `error="insufficient_scope"`) || strings.Count(challenge, " ") > 5 {
			t.Errorf("%s: challenge %q should name one scope", path, challenge)
		}
		msg := ""
		if strings.HasPrefix(path, "/v2/") {
			e := v2Errors(t, body)[0]
			msg = e.Detail
			if e.Status != 403 || e.Title == "" || e.Code == "" {
				t.Errorf("%s: v2 error %+v", path, e)
			}
		} else {
			msg = v1Errors(t, body)[0]
		}
		if !strings.Contains(msg, "OAuth scope") {
			t.Errorf("%s: %q does not name the scope", path, msg)
		}
	}
}

func TestTheRateLimitAnswers429WithRetryAfterUntilTheWindowEnds(t *testing.T) {
	clock := newFakeClock()
	s := start(t, Options{Approve: ApproveAuto, RateLimit: 2, Now: clock.Now})
	for i := range 2 {
		resp, _ := apiGet(t, s.URL()+"/v1/categories", "")
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(1-i) {
			t.Fatalf("request %d: status %d, remaining %q", i+1, resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
		}
	}
	clock.Advance(15 * time.Second)
	for _, path := range []string{"/v1/categories", "/v2/apps"} {
		resp, body := apiGet(t, s.URL()+path, "")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "45" {
			t.Fatalf("%s over the limit: status %d, Retry-After %q", path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if strings.HasPrefix(path, "/v2/") {
			v2Errors(t, body)
		} else {
			v1Errors(t, body)
		}
	}
	// Sign-in pages are not counted.
	if resp, _ := get(t, s.URL()+"/"); resp.StatusCode != 200 {
		t.Errorf("the index page: status %d", resp.StatusCode)
	}
	clock.Advance(45 * time.Second)
	if resp, _ := apiGet(t, s.URL()+"/v1/categories", ""); resp.StatusCode != 200 {
		t.Errorf("in the next window: status %d", resp.StatusCode)
	}
}

func TestTheSandboxHoldsTenThousandZapsAndFiveThousandApps(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto, Zaps: 10000, Apps: 5000, Seed: 9})
	token := tokenFor(t, s, "zap")
	var zaps zapsBody
	getJSON(t, s, "/v1/zaps?limit=100&offset=9950", token, &zaps)
	if zaps.Count != 10000 || len(zaps.Objects) != 50 || zaps.Next != nil {
		t.Errorf("zaps: count %d, %d on the last page, next %v", zaps.Count, len(zaps.Objects), zaps.Next)
	}
	var apps struct {
		Total, Pages int
		Objects      []struct {
			Title, Slug string
			Categories  []struct{ Slug string }
		}
	}
	getJSON(t, s, "/v1/apps?per_page=100&page=50&"+client, "", &apps)
	if apps.Total != 5000 || apps.Pages != 50 || len(apps.Objects) != 100 {
		t.Errorf("apps: total %d, pages %d, %d on the last", apps.Total, apps.Pages, len(apps.Objects))
	}
	for _, a := range apps.Objects {
		if a.Title == "" || a.Slug == "" || len(a.Categories) == 0 {
			t.Errorf("app %+v lacks a title, slug or category", a)
		}
	}
}

func TestTheSameSeedGivesTheSameDirectory(t *testing.T) {
	body := func(seed int64) string {
		s := start(t, Options{Seed: seed, Apps: 500})
		_, b := apiGet(t, s.URL()+"/v2/apps?limit=50&offset=300&"+client, "")
		return strings.ReplaceAll(b, s.URL(), "BASE")
	}
	if body(4) != body(4) {
		t.Error("seed 4 gave two different directories")
	}
	if body(4) == body(5) {
		t.Error("seeds 4 and 5 gave the same directory")
	}
}

func TestV1AppsPagesByNumberWithLinksWithoutTheClientID(t *testing.T) {
	s := start(t, Options{Apps: 25})
	var page struct {
		Total, Page, Pages, PerPage int
		NextURL                     *string `json:"next_url"`
		PrevURL                     *string `json:"prev_url"`
	}
	getJSON(t, s, "/v1/apps?per_page=10&page=2&"+client, "", &page)
	if page.Total != 25 || page.Page != 2 || page.Pages != 3 || page.NextURL == nil || page.PrevURL == nil {
		t.Fatalf("page 2: %+v", page)
	}
	next, _ := url.Parse(*page.NextURL)
	if next.Query().Get("page") != "3" || next.Query().Has("client_id") {
		t.Errorf("next_url %q: want page 3 and no client_id, as Zapier's links have none", *page.NextURL)
	}
	if resp, _ := apiGet(t, s.URL()+"/v1/apps?page=4&per_page=10&"+client, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a page past the last: status %d, want 404", resp.StatusCode)
	}
}

func TestTemplatesComeAsABareArrayFilteredByApps(t *testing.T) {
	s := start(t, Options{})
	var all []json.RawMessage
	getJSON(t, s, "/v1/zap-templates?limit=100&"+client, "", &all)
	if len(all) != 100 {
		t.Fatalf("%d templates in a page of 100", len(all))
	}
	var some []struct {
		Title  string
		Status string
		URL    string
		Steps  []struct{ Slug, Label string }
	}
	getJSON(t, s, "/v1/zap-templates?apps=inkwell-forms&"+client, "", &some)
	if len(some) == 0 {
		t.Fatal("no template uses inkwell-forms")
	}
	for _, tp := range some {
		slugs := tp.Steps[0].Slug + " " + tp.Steps[1].Slug
		if !strings.Contains(slugs, "inkwell-forms") || !strings.Contains(slugs, "sandbox-crm") {
			t.Errorf("template %q uses %s", tp.Title, slugs)
		}
		if resp, body := get(t, tp.URL); resp.StatusCode != 200 || !strings.Contains(body, "Zap template") {
			t.Errorf("%s: status %d", tp.URL, resp.StatusCode)
		}
	}
}

func TestV2ListsUseTheEnvelope(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto, Zaps: 23})
	token := tokenFor(t, s, "zap zap:runs")
	var env struct {
		Links map[string]*string
		Meta  struct{ Count, Offset, Limit int }
		Data  []map[string]any
	}
	getJSON(t, s, "/v2/zaps?limit=10&offset=10&expand=steps.action", token, &env)
	if env.Meta.Count != 23 || env.Meta.Offset != 10 || env.Meta.Limit != 10 || len(env.Data) != 10 {
		t.Errorf("meta %+v with %d items", env.Meta, len(env.Data))
	}
	if env.Links["next"] == nil || env.Links["prev"] == nil {
		t.Errorf("links %v: want next and prev", env.Links)
	}
	steps, _ := env.Data[0]["steps"].([]any)
	if action, _ := steps[0].(map[string]any)["action"].(map[string]any); action["type"] != "action" {
		t.Errorf("expand=steps.action left the action as %v", steps[0])
	}
	getJSON(t, s, "/v2/apps?limit=5&offset=5&"+client, "", &env)
	if _, ok := env.Links["previous"]; !ok {
		t.Errorf("v2/apps links %v: want previous, as Zapier's example has", env.Links)
	}
	getJSON(t, s, "/v2/zap-runs?limit=100&statuses=success,error", token, &env)
	for _, run := range env.Data {
		if st := run["status"]; st != "success" && st != "error" {
			t.Errorf("a run of status %v came with statuses=success,error", st)
		}
	}
	if resp, body := apiGet(t, s.URL()+"/v2/zap-runs?statuses=bogus", token); resp.StatusCode != 400 {
		t.Errorf("an unknown status: %d %s", resp.StatusCode, body)
	}
}
