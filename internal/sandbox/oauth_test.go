package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAuthorizeRedirectsAsEachModeSays(t *testing.T) {
	tests := []struct {
		name      string
		mode      Approve
		query     url.Values
		wantToken bool
		wantState string // "" = no state; "other" = a state other than the one sent
		wantQuery url.Values
	}{
		{
			name:      "auto approves with the token and state in the fragment",
			mode:      ApproveAuto,
			query:     authorizeQuery("profile zap", "s-123"),
			wantToken: true,
			wantState: "s-123",
		},
		{
			name:      "auto approves even with approval_prompt=force",
			mode:      ApproveAuto,
			query:     withParam(authorizeQuery("zap", "s-force"), "approval_prompt", "force"),
			wantToken: true,
			wantState: "s-force",
		},
		{
			name:      "auto without state sends no state back",
			mode:      ApproveAuto,
			query:     authorizeQuery("profile", ""),
			wantToken: true,
		},
		{
			name:      "deny puts access_denied and the state in the query",
			mode:      ApproveDeny,
			query:     authorizeQuery("zap", "s-deny"),
			wantQuery: url.Values{"error": {"access_denied"}, "state": {"s-deny"}},
		},
		{
			name:      "wrong-state approves with a state the client never sent",
			mode:      ApproveWrongState,
			query:     authorizeQuery("zap", "s-sent"),
			wantToken: true,
			wantState: "other",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Options{Approve: tt.mode})
			resp, body := authorize(t, s, tt.query)
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("status %d, want 302; body %q", resp.StatusCode, body)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			loc := resp.Header.Get("Location")
			if !strings.HasPrefix(loc, RedirectURI) {
				t.Fatalf("Location %q does not start with the redirect_uri", loc)
			}
			query, frag := redirectParams(t, loc)
			if tt.wantQuery != nil {
				if got := query.Encode(); got != tt.wantQuery.Encode() {
					t.Errorf("query %q, want %q", got, tt.wantQuery.Encode())
				}
				if strings.Contains(loc, "#") {
					t.Errorf("Location %q has a fragment", loc)
				}
				if s.Authorizations() != 0 {
					t.Errorf("Authorizations() = %d after a denial", s.Authorizations())
				}
				return
			}
			if len(query) != 0 {
				t.Errorf("query %v, want none", query)
			}
			if !tt.wantToken {
				return
			}
			if _, err := s.verifyToken(frag.Get("access_token")); err != nil {
				t.Errorf("access_token does not verify: %v", err)
			}
			if got := frag.Get("token_type"); got != "Bearer" {
				t.Errorf("token_type %q, want Bearer", got)
			}
			if got := frag.Get("expires_in"); got != "36000" {
				t.Errorf("expires_in %q, want 36000", got)
			}
			if got, want := frag.Get("scope"), strings.Join(strings.Fields(tt.query.Get("scope")), " "); got != want {
				t.Errorf("scope %q, want %q", got, want)
			}
			switch state, sent := frag["state"], tt.query.Get("state"); tt.wantState {
			case "":
				if state != nil {
					t.Errorf("state %q sent back, but none was sent", state)
				}
			case "other":
				if len(state) != 1 || state[0] == "" || state[0] == sent {
					t.Errorf("state %q, want one other than %q", state, sent)
				}
			default:
				if len(state) != 1 || state[0] != tt.wantState {
					t.Errorf("state %q, want %q", state, tt.wantState)
				}
			}
			if s.Authorizations() != 1 {
				t.Errorf("Authorizations() = %d, want 1", s.Authorizations())
			}
		})
	}
}

func withParam(v url.Values, key, value string) url.Values {
	v.Set(key, value)
	return v
}

func TestAuthorizeWritesTheScopeWithPercent20(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	resp, _ := authorize(t, s, authorizeQuery("profile zap zap:runs", "x y"))
	loc := resp.Header.Get("Location")
	_, frag, _ := strings.Cut(loc, "#")
	if !strings.Contains(frag, "&scope=profile%20zap%20zap%3Aruns&") {
		t.Errorf("fragment %q does not carry the scope with %%20 between names", frag)
	}
	if !strings.HasSuffix(frag, "&state=x%20y") {
		t.Errorf("fragment %q does not end with the state encoded with %%20", frag)
	}
	if strings.Contains(frag, "+") {
		t.Errorf("fragment %q writes a space as +", frag)
	}
}

func TestAuthorizeServesThePathWithoutTrailingSlash(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	resp, _ := get(t, s.URL()+"/oauth/authorize?"+encodeQuery(authorizeQuery("zap", "s")))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302", resp.StatusCode)
	}
	if _, frag := redirectParams(t, resp.Header.Get("Location")); frag.Get("access_token") == "" {
		t.Errorf("no token from /oauth/authorize")
	}
}

func TestAuthorizeShowsAnErrorPageAndNeverRedirectsForABadClientOrRedirectURI(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(url.Values)
		wantText string
	}{
		{"an unknown client_id", func(v url.Values) { v.Set("client_id", "someone-else") }, `&#34;someone-else&#34;`},
		{"a missing client_id", func(v url.Values) { v.Del("client_id") }, "no client_id"},
		{"a repeated client_id", func(v url.Values) { v.Add("client_id", ClientID) }, "more than once"},
		{"a missing redirect_uri", func(v url.Values) { v.Del("redirect_uri") }, "no redirect_uri"},
		{"a redirect_uri with an extra slash", func(v url.Values) { v.Set("redirect_uri", RedirectURI+"/") }, "is not registered"},
		{"a redirect_uri with another host", func(v url.Values) { v.Set("redirect_uri", "https://evil.invalid/oauth/callback") }, "evil.invalid"},
		{"a redirect_uri with an added query", func(v url.Values) { v.Set("redirect_uri", RedirectURI+"?x=1") }, "is not registered"},
		{"a redirect_uri in other letter case", func(v url.Values) { v.Set("redirect_uri", strings.ToUpper(RedirectURI)) }, "is not registered"},
		{"markup in client_id, escaped", func(v url.Values) { v.Set("client_id", `<script>alert(1)</script>`) }, "&lt;script&gt;"},
	}
	for _, mode := range []Approve{ApproveAsk, ApproveAuto, ApproveDeny, ApproveWrongState} {
		s := start(t, Options{Approve: mode})
		for _, tt := range tests {
			t.Run(string(mode)+": "+tt.name, func(t *testing.T) {
				v := authorizeQuery("zap", "st")
				tt.edit(v)
				resp, body := authorize(t, s, v)
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("status %d, want 400", resp.StatusCode)
				}
				if loc := resp.Header.Get("Location"); loc != "" {
					t.Errorf("redirected to %q", loc)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q, want HTML", ct)
				}
				if !strings.Contains(body, tt.wantText) {
					t.Errorf("page does not say %q:\n%s", tt.wantText, body)
				}
				if strings.Contains(body, "<script>") {
					t.Errorf("page echoes markup unescaped")
				}
				if !strings.Contains(body, "not Zapier") {
					t.Errorf("page does not say it is not Zapier")
				}
			})
		}
		if s.Authorizations() != 0 {
			t.Errorf("%s: Authorizations() = %d", mode, s.Authorizations())
		}
	}
}

func TestAuthorizeRedirectsOtherErrorsToTheClient(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(url.Values)
		wantError   string
		wantInQuery bool
	}{
		{"response_type=id_token is unsupported, in the query", func(v url.Values) { v.Set("response_type", "id_token") }, "unsupported_response_type", true},
		{"a missing response_type is invalid, in the query", func(v url.Values) { v.Del("response_type") }, "invalid_request", true},
		{"an unknown scope is invalid_scope, in the fragment", func(v url.Values) { v.Set("scope", "zap action:read") }, "invalid_scope", false},
		{"a bad approval_prompt is invalid, in the fragment", func(v url.Values) { v.Set("approval_prompt", "never") }, "invalid_request", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Options{Approve: ApproveAuto})
			v := authorizeQuery("zap", "st-9")
			tt.edit(v)
			resp, _ := authorize(t, s, v)
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("status %d, want 302", resp.StatusCode)
			}
			query, frag := redirectParams(t, resp.Header.Get("Location"))
			got := frag
			if tt.wantInQuery {
				got = query
				if len(frag) != 0 {
					t.Errorf("fragment %v, want none", frag)
				}
			} else if len(query) != 0 {
				t.Errorf("query %v, want none", query)
			}
			if got.Get("error") != tt.wantError || got.Get("state") != "st-9" {
				t.Errorf("got %v, want error=%s and state=st-9", got, tt.wantError)
			}
			if got.Has("access_token") || s.Authorizations() != 0 {
				t.Errorf("a token was issued")
			}
		})
	}
}

func TestConsentPageAsksWithApproveFocusedAndAStrictPolicy(t *testing.T) {
	s := start(t, Options{})
	v := authorizeQuery("profile zap zap:runs", `"><b>st</b>`)
	v.Set("approval_prompt", "force")
	resp, body := authorize(t, s, v)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	h := resp.Header
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", h.Get("Cache-Control"))
	}
	// Not no-referrer: under it browsers send "Origin: null" with the form,
	// which the sandbox refuses.
	if rp := h.Get("Referrer-Policy"); rp != "same-origin" {
		t.Errorf("Referrer-Policy %q, want same-origin", rp)
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "style-src 'sha256-", "form-action 'self' https://partner.invalid", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, want := range []string{
		"Partnerdesk Sandbox — not Zapier",
		"<strong>Partnerdesk</strong> wants",
		`value="approve" class="primary" autofocus>Approve</button>`,
		`value="deny">Deny</button>`,
		"See your name, email address and time zone.",
		"See the run history of your Zaps.",
		"valid for 10 hours",
		`action="/oauth/authorize/"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>st</b>") {
		t.Errorf("state echoed unescaped")
	}
	form := consentForm(t, body)
	if form.Get("state") != `"><b>st</b>` || form.Get("scope") != "profile zap zap:runs" || form.Get("approval_prompt") != "force" {
		t.Errorf("hidden fields %v do not carry the request", form)
	}
	if s.Authorizations() != 0 {
		t.Errorf("showing the page issued a token")
	}
}

func TestConsentPageLeavesFormActionOutForACustomSchemeRedirect(t *testing.T) {
	s := start(t, Options{Clients: map[string][]string{"desk": {"com.example.desk:/cb"}}})
	v := authorizeQuery("zap", "s")
	v.Set("client_id", "desk")
	v.Set("redirect_uri", "com.example.desk:/cb")
	resp, body := authorize(t, s, v)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "form-action") {
		t.Errorf("CSP %q has form-action for a custom-scheme redirect_uri", csp)
	}
	if !strings.Contains(body, "<strong>desk</strong> wants") {
		t.Errorf("page does not name the client")
	}
}

func TestConsentFormApprovesAndDeniesWith303(t *testing.T) {
	s := start(t, Options{})
	_, page := authorize(t, s, authorizeQuery("profile zap", "s-form"))
	form := consentForm(t, page)

	form.Set("decision", "deny")
	resp, _ := postForm(t, s, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deny: status %d, want 303", resp.StatusCode)
	}
	if loc, want := resp.Header.Get("Location"), RedirectURI+"?error=access_denied&state=s-form"; loc != want {
		t.Errorf("deny: Location %q, want %q", loc, want)
	}

	form.Set("decision", "approve")
	resp, _ = postForm(t, s, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: status %d, want 303", resp.StatusCode)
	}
	query, frag := redirectParams(t, resp.Header.Get("Location"))
	if len(query) != 0 || frag.Get("state") != "s-form" || frag.Get("scope") != "profile zap" || frag.Get("expires_in") != "36000" {
		t.Errorf("approve: query %v, fragment %v", query, frag)
	}
	if _, err := s.verifyToken(frag.Get("access_token")); err != nil {
		t.Errorf("approve: token does not verify: %v", err)
	}
	if s.Authorizations() != 1 {
		t.Errorf("Authorizations() = %d, want 1", s.Authorizations())
	}
}

func TestConsentFormRefusesForgedTamperedAndStaleSubmissions(t *testing.T) {
	clock := newFakeClock()
	s := start(t, Options{Now: clock.Now})
	_, page := authorize(t, s, authorizeQuery("profile", "s-1"))
	good := consentForm(t, page)
	good.Set("decision", "approve")

	tests := []struct {
		name       string
		edit       func(url.Values)
		origin     string
		advance    time.Duration
		wantStatus int
	}{
		{name: "no csrf field", edit: func(f url.Values) { f.Del("csrf") }, wantStatus: http.StatusBadRequest},
		{name: "a garbled csrf field", edit: func(f url.Values) { f.Set("csrf", "123.abc") }, wantStatus: http.StatusBadRequest},
		{name: "a widened scope", edit: func(f url.Values) { f.Set("scope", "profile zap:write") }, wantStatus: http.StatusBadRequest},
		{name: "a changed state", edit: func(f url.Values) { f.Set("state", "s-2") }, wantStatus: http.StatusBadRequest},
		{name: "a form from another origin", origin: "https://evil.invalid", wantStatus: http.StatusForbidden},
		{name: "a form from an opaque origin", origin: "null", wantStatus: http.StatusForbidden},
		{name: "a form older than its lifetime", advance: consentTTL + time.Second, wantStatus: http.StatusBadRequest},
		{name: "an unknown decision", edit: func(f url.Values) { f.Set("decision", "maybe") }, wantStatus: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = append([]string(nil), v...)
			}
			if tt.edit != nil {
				tt.edit(form)
			}
			clock.Advance(tt.advance)
			defer clock.Advance(-tt.advance)
			req, _ := http.NewRequest(http.MethodPost, s.AuthorizeURL(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("redirected to %q", loc)
			}
		})
	}
	if s.Authorizations() != 0 {
		t.Errorf("a refused form issued %d tokens", s.Authorizations())
	}
	if resp, _ := postForm(t, s, good); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the untouched form: status %d, want 303", resp.StatusCode)
	}
}

func TestExtraClientsUseTheirOwnRedirectURIs(t *testing.T) {
	loopback := "http://127.0.0.1:8765/callback?profile=p1"
	s := start(t, Options{Approve: ApproveDeny, Clients: map[string][]string{"tool": {loopback}}})
	v := authorizeQuery("zap", "s-x")
	v.Set("client_id", "tool")
	v.Set("redirect_uri", loopback)
	resp, _ := authorize(t, s, v)
	if loc, want := resp.Header.Get("Location"), loopback+"&error=access_denied&state=s-x"; loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
	// The built-in client may not use the extra client's redirect_uri.
	v.Set("client_id", ClientID)
	if resp, _ := authorize(t, s, v); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("built-in client with another client's redirect_uri: status %d, want 400", resp.StatusCode)
	}
}
