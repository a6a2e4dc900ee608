package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestProfileAnswersATokenWithTheProfileScope(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	resp, body := apiGet(t, s.URL()+"/v1/profiles/me", tokenFor(t, s, "profile"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	for _, key := range []string{"id", "first_name", "last_name", "full_name", "email", "email_confirmed", "timezone"} {
		if _, ok := p[key]; !ok {
			t.Errorf("profile lacks %q: %s", key, body)
		}
	}
	if email, _ := p["email"].(string); !strings.HasSuffix(email, "@example.com") {
		t.Errorf("email %q is not at example.com", email)
	}
}

func TestAPIRefusesBadCredentialsAsZapierDoes(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "k")
	extra := map[string][]string{"gone": {"https://gone.invalid/cb"}}
	// A token of a client that a later run no longer registers.
	first := start(t, Options{Approve: ApproveAuto, KeyFile: keyFile, Clients: extra})
	v := authorizeQuery("profile zap", "s")
	v.Set("client_id", "gone")
	v.Set("redirect_uri", "https://gone.invalid/cb")
	resp, _ := authorize(t, first, v)
	_, frag := redirectParams(t, resp.Header.Get("Location"))
	orphan := frag.Get("access_token")
	first.Close()

	s := start(t, Options{Approve: ApproveAuto, KeyFile: keyFile})
	good := tokenFor(t, s, "zap")
	foreign := tokenFor(t, start(t, Options{Approve: ApproveAuto}), "profile zap")
	body, sig, _ := strings.Cut(good, ".")
	tampered := body + "." + strings.Repeat("A", len(sig))

	tests := []struct {
		name       string
		path       string
		header     string
		wantStatus int
		wantText   string
	}{
		{"no Authorization header", "/v1/zaps", "", 401, "credentials were not provided"},
		{"a Basic header", "/v1/zaps", "Basic dXNlcjpwYXNz", 401, "Invalid token"},
		{"Bearer with nothing after it", "/v1/zaps", "Bearer ", 401, "Invalid token"},
		{"a garbled token", "/v1/zaps", "Bearer not-a-token", 401, "malformed"},
		{"a token with a bad signature", "/v1/zaps", "Bearer " + tampered, 401, "not issued by this sandbox"},
		{"a token from another key", "/v1/zaps", "Bearer " + foreign, 401, "not issued by this sandbox"},
		{"a token of a client no longer registered", "/v1/zaps", "Bearer " + orphan, 403, "Invalid authentication"},
		{"a token without the profile scope", "/v1/profiles/me", "Bearer " + good, 403, `requires the "profile" OAuth scope`},
		{"a lower-case bearer scheme", "/v1/zaps", "bearer " + good, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, s.URL()+tt.path, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus == http.StatusOK {
				return
			}
			if msgs := v1Errors(t, body); !strings.Contains(msgs[0], tt.wantText) {
				t.Errorf("error %q does not say %q", msgs[0], tt.wantText)
			}
			// RFC 6750 3: a challenge naming the realm (not proof of anything: see identity.go).
			if wa := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, `Bearer realm="Partnerdesk Sandbox"`) {
				t.Errorf("WWW-Authenticate %q", wa)
			}
		})
	}
}

func TestTokensSurviveARestartWithTheSameKeyFileOnly(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "sandbox.key")
	first := start(t, Options{Approve: ApproveAuto, KeyFile: keyFile})
	token := tokenFor(t, first, "profile")
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	again := start(t, Options{KeyFile: keyFile})
	if resp, body := apiGet(t, again.URL()+"/v1/profiles/me", token); resp.StatusCode != http.StatusOK {
		t.Errorf("same key file: status %d: %s", resp.StatusCode, body)
	}
	other := start(t, Options{KeyFile: filepath.Join(t.TempDir(), "other.key")})
	if resp, _ := apiGet(t, other.URL()+"/v1/profiles/me", token); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another key file: status %d, want 401", resp.StatusCode)
	}
}

func TestAnExpiredTokenGets401(t *testing.T) {
	clock := newFakeClock()
	s := start(t, Options{Approve: ApproveAuto, ExpiresIn: time.Second, Now: clock.Now})
	resp, _ := authorize(t, s, authorizeQuery("profile", "s"))
	_, frag := redirectParams(t, resp.Header.Get("Location"))
	if got := frag.Get("expires_in"); got != "1" {
		t.Errorf("expires_in %q, want 1", got)
	}
	token := frag.Get("access_token")
	if resp, _ := apiGet(t, s.URL()+"/v1/profiles/me", token); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh token: status %d", resp.StatusCode)
	}
	clock.Advance(999 * time.Millisecond)
	if resp, _ := apiGet(t, s.URL()+"/v1/profiles/me", token); resp.StatusCode != http.StatusOK {
		t.Fatalf("token before its expiry: status %d", resp.StatusCode)
	}
	clock.Advance(time.Millisecond)
	resp, body := apiGet(t, s.URL()+"/v1/profiles/me", token)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token: status %d, want 401", resp.StatusCode)
	}
	if msg := v1Errors(t, body)[0]; !strings.Contains(msg, "expired") {
		t.Errorf("error %q does not say expired", msg)
	}
}

// zapsBody mirrors the body of GET /v1/zaps.
type zapsBody struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Objects  []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
		State string `json:"state"`
		Steps []struct {
			TypeOf string `json:"type_of"`
			App    struct {
				ID     int64             `json:"id"`
				Title  string            `json:"title"`
				Slug   string            `json:"slug"`
				Image  string            `json:"image"`
				Images map[string]string `json:"images"`
				URL    string            `json:"url"`
			} `json:"app"`
			Params map[string]string `json:"params"`
		} `json:"steps"`
		URL        string `json:"url"`
		ModifiedAt string `json:"modified_at"`
	} `json:"objects"`
}

func getZaps(t *testing.T, rawURL, token string) zapsBody {
	t.Helper()
	resp, body := apiGet(t, rawURL, token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", rawURL, resp.StatusCode, body)
	}
	var z zapsBody
	if err := json.Unmarshal([]byte(body), &z); err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	return z
}

func TestZapsPaginationCanBeWalkedToTheLastPage(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	token := tokenFor(t, s, "zap")

	first := getZaps(t, s.URL()+"/v1/zaps", token)
	if first.Count != DefaultZaps || len(first.Objects) != defaultLimit || first.Previous != nil {
		t.Fatalf("first page: count %d, %d objects, previous %v", first.Count, len(first.Objects), first.Previous)
	}

	seen := map[int64]bool{}
	pages := 0
	next := s.URL() + "/v1/zaps?limit=17"
	for next != "" {
		page := getZaps(t, next, token)
		pages++
		if page.Count != DefaultZaps {
			t.Fatalf("page %d: count %d, want %d", pages, page.Count, DefaultZaps)
		}
		if pages > 1 && page.Previous == nil {
			t.Errorf("page %d has no previous link", pages)
		}
		for _, z := range page.Objects {
			if seen[z.ID] {
				t.Fatalf("zap %d seen twice", z.ID)
			}
			seen[z.ID] = true
		}
		next = ""
		if page.Next != nil {
			if !strings.HasPrefix(*page.Next, s.URL()+"/v1/zaps?") {
				t.Fatalf("next %q is not an absolute link to the list", *page.Next)
			}
			next = *page.Next
		}
		if pages > DefaultZaps {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != DefaultZaps || pages != (DefaultZaps+16)/17 {
		t.Errorf("saw %d zaps in %d pages, want %d in %d", len(seen), pages, DefaultZaps, (DefaultZaps+16)/17)
	}
}

func TestZapsLimitAndOffsetAreChecked(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto, Zaps: 30})
	token := tokenFor(t, s, "zap")
	if z := getZaps(t, s.URL()+"/v1/zaps?limit=500", token); len(z.Objects) != 30 || z.Next != nil {
		t.Errorf("limit=500: %d objects, next %v", len(z.Objects), z.Next)
	}
	z := getZaps(t, s.URL()+"/v1/zaps?limit=10&offset=25", token)
	if len(z.Objects) != 5 || z.Next != nil || z.Previous == nil {
		t.Fatalf("last page: %d objects, next %v, previous %v", len(z.Objects), z.Next, z.Previous)
	}
	if prev, _ := url.Parse(*z.Previous); prev.Query().Get("offset") != "15" || prev.Query().Get("limit") != "10" {
		t.Errorf("previous %q, want offset 15 limit 10", *z.Previous)
	}
	for _, offset := range []string{"30", "99", "9223372036854775807"} {
		z := getZaps(t, s.URL()+"/v1/zaps?offset="+offset, token)
		if len(z.Objects) != 0 || z.Count != 30 || z.Next != nil || z.Previous == nil {
			t.Errorf("offset %s, past the end: %d objects, count %d, next %v, previous %v",
				offset, len(z.Objects), z.Count, z.Next, z.Previous)
		}
	}
	for _, q := range []string{"limit=0", "limit=-3", "limit=many", "offset=-1", "offset=1.5"} {
		resp, body := apiGet(t, s.URL()+"/v1/zaps?"+q, token)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, resp.StatusCode)
			continue
		}
		v1Errors(t, body)
	}
}

func TestZapsLookLikeZapiersAndUseThePartnersApp(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	token := tokenFor(t, s, "zap")
	states := map[string]int{}
	for _, getParams := range []bool{false, true} {
		q := "limit=100"
		if getParams {
			q += "&get_params=1"
		}
		z := getZaps(t, s.URL()+"/v1/zaps?"+q, token)
		for _, zap := range z.Objects {
			states[zap.State]++
			if zap.Title == "" || !strings.HasPrefix(zap.URL, s.URL()+"/editor/") {
				t.Errorf("zap %d: title %q url %q", zap.ID, zap.Title, zap.URL)
			}
			if _, err := time.Parse(time.RFC3339, zap.ModifiedAt); err != nil {
				t.Errorf("zap %d: modified_at %q: %v", zap.ID, zap.ModifiedAt, err)
			}
			if len(zap.Steps) < 2 || zap.Steps[0].TypeOf != "read" {
				t.Errorf("zap %d: steps %+v", zap.ID, zap.Steps)
			}
			partner := false
			for _, st := range zap.Steps {
				if st.App.Slug == "sandbox-crm" {
					partner = true
					if getParams != (st.Params != nil) {
						t.Errorf("zap %d, get_params=%v: params %v", zap.ID, getParams, st.Params)
					}
				} else if st.Params != nil {
					t.Errorf("zap %d: another app's step has params %v", zap.ID, st.Params)
				}
				if len(st.App.Images) != 4 || !strings.HasPrefix(st.App.Image, s.URL()+"/apps/") {
					t.Errorf("zap %d: app images %v", zap.ID, st.App.Images)
				}
			}
			if !partner {
				t.Errorf("zap %d does not use the partner's app", zap.ID)
			}
		}
	}
	if len(states) != 3 || states["on"] == 0 || states["off"] == 0 || states["draft"] == 0 {
		t.Errorf("states %v, want on, off and draft", states)
	}
}

func TestZapsCanBeFilteredByParams(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	token := tokenFor(t, s, "zap")
	z := getZaps(t, s.URL()+"/v1/zaps?params__pipeline=Sales&get_params=&limit=3", token)
	if z.Count == 0 || z.Count >= DefaultZaps {
		t.Fatalf("count %d, want some but not all", z.Count)
	}
	for _, zap := range z.Objects {
		found := false
		for _, st := range zap.Steps {
			found = found || st.Params["pipeline"] == "Sales"
		}
		if !found {
			t.Errorf("zap %d has no step with pipeline=Sales", zap.ID)
		}
	}
	if z.Next == nil || !strings.Contains(*z.Next, "params__pipeline=Sales") {
		t.Errorf("next %v does not keep the filter", z.Next)
	}
}

func TestTheSameSeedGivesTheSameZaps(t *testing.T) {
	body := func(seed int64) string {
		s := start(t, Options{Approve: ApproveAuto, Seed: seed})
		_, b := apiGet(t, s.URL()+"/v1/zaps?limit=100&offset=100", tokenFor(t, s, "zap"))
		return strings.ReplaceAll(b, s.URL(), "BASE")
	}
	if a, b := body(7), body(7); a != b {
		t.Errorf("seed 7 gave two different lists")
	}
	if a, b := body(7), body(8); a == b {
		t.Errorf("seeds 7 and 8 gave the same list")
	}
}

func TestOtherAPIPathsAre404WithTheBodyOfTheirVersion(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	token := tokenFor(t, s, "zap profile")
	for _, path := range []string{"/v1/zaps/123", "/v1/embed/apps", "/v2/action-runs", "/v2/zaps/123"} {
		resp, body := apiGet(t, s.URL()+path, token)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
			continue
		}
		var msg string
		if strings.HasPrefix(path, "/v2/") {
			msg = v2Errors(t, body)[0].Detail
		} else {
			msg = v1Errors(t, body)[0]
		}
		if !strings.Contains(msg, path) {
			t.Errorf("%s: error %q does not name the path", path, msg)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/zaps", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /v1/zaps: status %d, Allow %q: %s", resp.StatusCode, resp.Header.Get("Allow"), body)
	}
}

func TestHandlerServesThroughHTTPTestWithLinksToItsOwnHost(t *testing.T) {
	s, err := New(Options{Approve: ApproveAuto, KeyFile: filepath.Join(t.TempDir(), "k"), Zaps: 12})
	if err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" || s.AuthorizeURL() != "" {
		t.Errorf("a server that does not listen has URL %q", s.URL())
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, _ := get(t, ts.URL+"/oauth/authorize/?"+encodeQuery(authorizeQuery("zap", "s")))
	_, frag := redirectParams(t, resp.Header.Get("Location"))
	z := getZaps(t, ts.URL+"/v1/zaps", frag.Get("access_token"))
	if z.Next == nil || !strings.HasPrefix(*z.Next, ts.URL+"/v1/zaps?") {
		t.Errorf("next %v does not point at %s", z.Next, ts.URL)
	}
	if z.Count != 12 {
		t.Errorf("count %d, want 12", z.Count)
	}
}

func TestZapAndAppLinksLeadToPages(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto, Zaps: 1})
	z := getZaps(t, s.URL()+"/v1/zaps", tokenFor(t, s, "zap"))
	zap := z.Objects[0]
	for _, link := range []string{zap.URL, zap.Steps[0].App.URL, zap.Steps[0].App.Images["url_32x32"]} {
		if resp, body := get(t, link); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d: %s", link, resp.StatusCode, body)
		}
	}
	if resp, _ := get(t, s.URL()+"/editor/"+strconv.FormatInt(zap.ID+1, 10)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("editor of an unknown zap: status %d, want 404", resp.StatusCode)
	}
}
