package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"golang.org/x/oauth2"
)

// The authorization-code grant, tested with golang.org/x/oauth2 as the
// client wherever it fits: that is what proves a real client can use it.

// codeConfig is an x/oauth2 client of the built-in client of s.
func codeConfig(s *Server, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     ClientID,
		ClientSecret: s.ClientSecret(),
		Endpoint:     oauth2.Endpoint{AuthURL: s.AuthorizeURL(), TokenURL: s.TokenURL(), AuthStyle: style},
		RedirectURL:  RedirectURI,
		Scopes:       []string{"profile", "zap"},
	}
}

// codeQuery is a valid code request of the built-in client.
func codeQuery(scope, state string) url.Values {
	v := authorizeQuery(scope, state)
	v.Set("response_type", "code")
	return v
}

// withPKCE adds the S256 challenge of verifier to v.
func withPKCE(v url.Values, verifier string) url.Values {
	v.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	v.Set("code_challenge_method", "S256")
	return v
}

// codeFrom sends a code request to an ApproveAuto sandbox and returns the code.
func codeFrom(t *testing.T, s *Server, v url.Values) string {
	t.Helper()
	resp, body := authorize(t, s, v)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, want 302: %s", resp.StatusCode, body)
	}
	query, frag := redirectParams(t, resp.Header.Get("Location"))
	if query.Get("code") == "" || len(frag) != 0 {
		t.Fatalf("authorize: Location %q carries no code in its query", resp.Header.Get("Location"))
	}
	return query.Get("code")
}

// tokenReply is a token endpoint's answer, granted or refused.
type tokenReply struct {
	status int
	header http.Header
	tokenAnswer
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// postToken sends form to the token endpoint, with the built-in client's
// secret in the form unless form says otherwise.
func postToken(t *testing.T, s *Server, form url.Values) tokenReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return doToken(t, req)
}

func doToken(t *testing.T, req *http.Request) tokenReply {
	t.Helper()
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", req.URL, err)
	}
	body := readBody(t, resp)
	reply := tokenReply{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal([]byte(body), &reply); err != nil {
		t.Fatalf("token endpoint answered %d with no JSON: %q", resp.StatusCode, body)
	}
	if cc, pragma := resp.Header.Get("Cache-Control"), resp.Header.Get("Pragma"); cc != "no-store" || pragma != "no-cache" {
		t.Errorf("Cache-Control %q, Pragma %q; want no-store and no-cache (RFC 6749 5.1)", cc, pragma)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want JSON", ct)
	}
	return reply
}

// exchangeForm is the form of a code exchange authenticated in the body.
func exchangeForm(s *Server, code string) url.Values {
	return url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {RedirectURI},
		"client_id": {ClientID}, "client_secret": {s.ClientSecret()},
	}
}

// refreshForm is the form of a refresh authenticated in the body.
func refreshForm(s *Server, refreshToken string) url.Values {
	return url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken},
		"client_id": {ClientID}, "client_secret": {s.ClientSecret()},
	}
}

// mustGrant fails unless reply granted tokens.
func mustGrant(t *testing.T, reply tokenReply) tokenAnswer {
	t.Helper()
	if reply.status != http.StatusOK || reply.AccessToken == "" || reply.RefreshToken == "" {
		t.Fatalf("status %d, error %q (%s), want tokens", reply.status, reply.Error, reply.Description)
	}
	return reply.tokenAnswer
}

// wantRefusal fails unless reply is the error code with status.
func wantRefusal(t *testing.T, reply tokenReply, status int, code string) {
	t.Helper()
	if reply.status != status || reply.Error != code || reply.Description == "" {
		t.Errorf("status %d, error %q (%s), want %d %s with a description", reply.status, reply.Error, reply.Description, status, code)
	}
	if reply.AccessToken != "" || reply.RefreshToken != "" {
		t.Errorf("a refusal carries tokens")
	}
}

// apiStatus is the status of GET /v1/profiles/me with token.
func apiStatus(t *testing.T, s *Server, token string) int {
	t.Helper()
	resp, _ := apiGet(t, s.URL()+"/v1/profiles/me", token)
	return resp.StatusCode
}

func TestCodeGrantSignsInWithOAuth2AndTheTokenWorksOnTheAPI(t *testing.T) {
	for _, tt := range []struct {
		name  string
		style oauth2.AuthStyle
	}{
		{"the client secret in HTTP Basic", oauth2.AuthStyleInHeader},
		{"the client secret in the form", oauth2.AuthStyleInParams},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Options{Approve: ApproveAuto})
			cfg := codeConfig(s, tt.style)
			verifier := oauth2.GenerateVerifier()
			resp, _ := get(t, cfg.AuthCodeURL("st-42", oauth2.S256ChallengeOption(verifier)))
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
			}
			loc := resp.Header.Get("Location")
			query, frag := redirectParams(t, loc)
			if !strings.HasPrefix(loc, RedirectURI+"?code=") || query.Get("state") != "st-42" || len(frag) != 0 {
				t.Fatalf("Location %q, want the redirect URI with the code and state in the query", loc)
			}
			if s.Authorizations() != 0 {
				t.Errorf("a code counted as an authorization before its exchange")
			}

			tok, err := cfg.Exchange(context.Background(), query.Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if tok.TokenType != "Bearer" || tok.ExpiresIn != 36000 || tok.RefreshToken == "" || tok.Extra("scope") != "profile zap" {
				t.Errorf("token type %q, expires_in %d, refresh token %t, scope %v; want Bearer, 36000, one, \"profile zap\"",
					tok.TokenType, tok.ExpiresIn, tok.RefreshToken != "", tok.Extra("scope"))
			}
			if status := apiStatus(t, s, tok.AccessToken); status != http.StatusOK {
				t.Errorf("the access token gets %d from the API, want 200", status)
			}
			if s.Authorizations() != 1 || s.Refreshes() != 0 {
				t.Errorf("Authorizations() = %d, Refreshes() = %d; want 1 and 0", s.Authorizations(), s.Refreshes())
			}
		})
	}
}

func TestTheTokenEndpointRefusesAsRFC6749Says(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto, Clients: map[string][]string{"implicit-only": {RedirectURI}}})
	basic := func(id, secret string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) }
	}
	tests := []struct {
		name       string
		edit       func(url.Values)
		request    func(*http.Request)
		wantStatus int
		wantError  string
		wantSays   string // in error_description, where the code alone does not tell
	}{
		{name: "a wrong secret in the form", edit: func(f url.Values) { f.Set("client_secret", "guess") },
			wantStatus: 401, wantError: "invalid_client"},
		{name: "a wrong secret in HTTP Basic", edit: func(f url.Values) { f.Del("client_secret") }, request: basic(ClientID, "guess"),
			wantStatus: 401, wantError: "invalid_client"},
		{name: "no secret at all", edit: func(f url.Values) { f.Del("client_secret") },
			wantStatus: 401, wantError: "invalid_client"},
		{name: "no client at all", edit: func(f url.Values) { f.Del("client_secret"); f.Del("client_id") },
			wantStatus: 401, wantError: "invalid_client"},
		{name: "an unknown client", edit: func(f url.Values) { f.Set("client_id", "someone") },
			wantStatus: 401, wantError: "invalid_client"},
		{name: "a client registered for the implicit grant only", edit: func(f url.Values) { f.Set("client_id", "implicit-only") },
			wantStatus: 401, wantError: "invalid_client"},
		{name: "a Bearer Authorization header beside the secret in the form",
			request: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+s.ClientSecret()) }, wantStatus: 401, wantError: "invalid_client"},
		{name: "the secret both in HTTP Basic and in the form", request: basic(ClientID, s.ClientSecret()),
			wantStatus: 400, wantError: "invalid_request"},
		{name: "no grant_type", edit: func(f url.Values) { f.Del("grant_type") }, wantStatus: 400, wantError: "invalid_request"},
		{name: "the password grant", edit: func(f url.Values) { f.Set("grant_type", "password") }, wantStatus: 400, wantError: "unsupported_grant_type"},
		{name: "the implicit grant's name", edit: func(f url.Values) { f.Set("grant_type", "token") }, wantStatus: 400, wantError: "unsupported_grant_type"},
		{name: "parameters in the URL", request: func(r *http.Request) { r.URL.RawQuery = "code=x" }, wantStatus: 400, wantError: "invalid_request"},
		{name: "a parameter given twice", edit: func(f url.Values) { f.Add("code", "other") }, wantStatus: 400, wantError: "invalid_request"},
		{name: "a JSON body", request: func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }, wantStatus: 400, wantError: "invalid_request",
			wantSays: "application/x-www-form-urlencoded"},
		{name: "no code", edit: func(f url.Values) { f.Del("code") }, wantStatus: 400, wantError: "invalid_request"},
		{name: "no redirect_uri", edit: func(f url.Values) { f.Del("redirect_uri") }, wantStatus: 400, wantError: "invalid_request"},
		{name: "a code the sandbox never issued", edit: func(f url.Values) { f.Set("code", "sbc_made-up") }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "a redirect_uri other than the authorize request's", edit: func(f url.Values) { f.Set("redirect_uri", RedirectURI+"/") },
			wantStatus: 400, wantError: "invalid_grant"},
		{name: "a code given as a refresh token", edit: func(f url.Values) {
			f.Set("grant_type", "refresh_token")
			f.Set("refresh_token", f.Get("code"))
		}, wantStatus: 400, wantError: "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := exchangeForm(s, codeFrom(t, s, codeQuery("zap", "s")))
			if tt.edit != nil {
				tt.edit(form)
			}
			req, err := http.NewRequest(http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.request != nil {
				tt.request(req)
			}
			reply := doToken(t, req)
			wantRefusal(t, reply, tt.wantStatus, tt.wantError)
			if !strings.Contains(reply.Description, tt.wantSays) {
				t.Errorf("error_description %q does not say %q", reply.Description, tt.wantSays)
			}
			if challenge := reply.header.Get("WWW-Authenticate"); (tt.wantStatus == 401) != strings.HasPrefix(challenge, "Basic ") {
				t.Errorf("WWW-Authenticate %q with status %d; want a Basic challenge with 401 only", challenge, tt.wantStatus)
			}
		})
	}
	if s.Authorizations() != 0 {
		t.Errorf("refused requests issued %d tokens", s.Authorizations())
	}
	// The same request, untouched, is granted: the refusals above are the edits'.
	mustGrant(t, postToken(t, s, exchangeForm(s, codeFrom(t, s, codeQuery("zap", "s")))))
}

func TestTheTokenEndpointTakesOnlyPOST(t *testing.T) {
	s := start(t, Options{})
	resp, _ := get(t, s.TokenURL()+"?grant_type=authorization_code")
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

func TestACodeWorksOnceAndASecondUseRevokesItsTokens(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	form := exchangeForm(s, codeFrom(t, s, codeQuery("profile", "s")))
	first := mustGrant(t, postToken(t, s, form))
	if status := apiStatus(t, s, first.AccessToken); status != http.StatusOK {
		t.Fatalf("the first token gets %d, want 200", status)
	}

	wantRefusal(t, postToken(t, s, form), 400, "invalid_grant")

	if status := apiStatus(t, s, first.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("the access token of a code used twice gets %d, want 401", status)
	}
	wantRefusal(t, postToken(t, s, refreshForm(s, first.RefreshToken)), 400, "invalid_grant")
	if s.Authorizations() != 1 {
		t.Errorf("Authorizations() = %d, want 1", s.Authorizations())
	}
}

func TestACodeLastsTwoMinutes(t *testing.T) {
	clock := newFakeClock()
	s := start(t, Options{Approve: ApproveAuto, Now: clock.Now})
	fresh := codeFrom(t, s, codeQuery("zap", "s"))
	stale := codeFrom(t, s, codeQuery("zap", "s"))

	clock.Advance(codeTTL - time.Second)
	mustGrant(t, postToken(t, s, exchangeForm(s, fresh)))
	clock.Advance(time.Second)
	wantRefusal(t, postToken(t, s, exchangeForm(s, stale)), 400, "invalid_grant")
}

func TestAClientWithoutASecretGetsNoCode(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto, Clients: map[string][]string{"other": {RedirectURI}}})
	v := codeQuery("zap", "s")
	v.Set("client_id", "other")
	resp, _ := authorize(t, s, v)
	query, _ := redirectParams(t, resp.Header.Get("Location"))
	if query.Get("error") != "unauthorized_client" || query.Get("state") != "s" || query.Has("code") {
		t.Errorf("a code request of a client without a secret: query %v, want error=unauthorized_client", query)
	}
}

func TestPKCEIsCheckedWhenTheAuthorizeRequestCarriedAChallenge(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	verifier := oauth2.GenerateVerifier()
	tests := []struct {
		name      string
		challenge bool
		verifier  string
		wantError string // "" = granted
	}{
		{"the right verifier is granted", true, verifier, ""},
		{"no verifier is refused", true, "", "invalid_grant"},
		{"another verifier is refused", true, oauth2.GenerateVerifier(), "invalid_grant"},
		{"the challenge given as verifier is refused", true, oauth2.S256ChallengeFromVerifier(verifier), "invalid_grant"},
		{"a verifier too short is refused", true, "abc", "invalid_request"},
		{"no challenge and no verifier is granted", false, "", ""},
		{"a verifier without a challenge is refused", false, verifier, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := codeQuery("zap", "s")
			if tt.challenge {
				withPKCE(v, verifier)
			}
			form := exchangeForm(s, codeFrom(t, s, v))
			if tt.verifier != "" {
				form.Set("code_verifier", tt.verifier)
			}
			reply := postToken(t, s, form)
			if tt.wantError == "" {
				mustGrant(t, reply)
				return
			}
			wantRefusal(t, reply, 400, tt.wantError)
		})
	}
}

func TestAuthorizeRefusesAChallengeThatIsNotS256(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	for _, tt := range []struct {
		name string
		edit func(url.Values)
	}{
		{"the plain method", func(v url.Values) { v.Set("code_challenge_method", "plain") }},
		{"no method, which means plain", func(v url.Values) { v.Del("code_challenge_method") }},
		{"an unknown method", func(v url.Values) { v.Set("code_challenge_method", "S512") }},
		{"a method without a challenge", func(v url.Values) { v.Del("code_challenge") }},
		{"a challenge too short", func(v url.Values) { v.Set("code_challenge", "abc") }},
		{"a challenge with a character outside the alphabet", func(v url.Values) { v.Set("code_challenge", challenge[:42]+"+") }},
		{"a challenge given twice", func(v url.Values) { v.Add("code_challenge", challenge) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := codeQuery("zap", "st")
			v.Set("code_challenge", challenge)
			v.Set("code_challenge_method", "S256")
			tt.edit(v)
			resp, _ := authorize(t, s, v)
			query, frag := redirectParams(t, resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || query.Get("error") != "invalid_request" || query.Get("state") != "st" || query.Has("code") || len(frag) != 0 {
				t.Errorf("status %d, query %v, fragment %v; want error=invalid_request and the state in the query", resp.StatusCode, query, frag)
			}
		})
	}
}

func TestTheConsentPageCarriesACodeRequestThroughToTheExchange(t *testing.T) {
	s := start(t, Options{})
	verifier := oauth2.GenerateVerifier()
	_, page := authorize(t, s, withPKCE(codeQuery("profile zap", "s-form"), verifier))
	if !strings.Contains(page, "sends a one-time code to") {
		t.Errorf("the consent page does not say a code is sent:\n%s", page)
	}
	form := consentForm(t, page)

	tampered := url.Values{}
	for k, v := range form {
		tampered[k] = v
	}
	tampered.Set("code_challenge", oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()))
	tampered.Set("decision", "approve")
	if resp, _ := postForm(t, s, tampered); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a consent form with another challenge: status %d, want 400", resp.StatusCode)
	}

	form.Set("decision", "approve")
	resp, _ := postForm(t, s, form)
	query, _ := redirectParams(t, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || query.Get("code") == "" || query.Get("state") != "s-form" {
		t.Fatalf("approve: status %d, query %v; want 303 with a code and the state", resp.StatusCode, query)
	}
	exchange := exchangeForm(s, query.Get("code"))
	exchange.Set("code_verifier", verifier)
	mustGrant(t, postToken(t, s, exchange))

	// As for the implicit grant, approval_prompt=auto skips the page while
	// a token for the same scopes is live.
	resp, _ = authorize(t, s, codeQuery("profile zap", "again"))
	if query, _ := redirectParams(t, resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || query.Get("code") == "" {
		t.Errorf("a second code request: status %d, want a redirect with a code", resp.StatusCode)
	}
}

func TestEachModeAnswersACodeRequestInTheQuery(t *testing.T) {
	loopback := "http://127.0.0.1:9/callback?profile=p1"
	for _, tt := range []struct {
		mode      Approve
		wantCode  bool
		wantError string
		wantState func(sent, got string) bool
	}{
		{ApproveAuto, true, "", func(sent, got string) bool { return got == sent }},
		{ApproveWrongState, true, "", func(sent, got string) bool { return got != "" && got != sent }},
		{ApproveDeny, false, "access_denied", func(sent, got string) bool { return got == sent }},
	} {
		t.Run(string(tt.mode), func(t *testing.T) {
			s := start(t, Options{Approve: tt.mode, Clients: map[string][]string{ClientID: {loopback}}})
			v := codeQuery("zap", "s-1")
			v.Set("redirect_uri", loopback)
			resp, _ := authorize(t, s, v)
			loc := resp.Header.Get("Location")
			query, frag := redirectParams(t, loc)
			if !strings.HasPrefix(loc, loopback+"&") || query.Get("profile") != "p1" || len(frag) != 0 {
				t.Errorf("Location %q, want the redirect URI's own query extended", loc)
			}
			if query.Has("code") != tt.wantCode || query.Get("error") != tt.wantError || !tt.wantState("s-1", query.Get("state")) {
				t.Errorf("query %v", query)
			}
		})
	}
}

func TestRefreshTokensRotate(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	first := mustGrant(t, postToken(t, s, exchangeForm(s, codeFrom(t, s, codeQuery("profile zap", "s")))))

	second := mustGrant(t, postToken(t, s, refreshForm(s, first.RefreshToken)))
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatalf("a refresh returned the same tokens")
	}
	if second.TokenType != "Bearer" || second.ExpiresIn != 36000 || second.Scope != "profile zap" {
		t.Errorf("refreshed: %q, %d, %q; want Bearer, 36000, \"profile zap\"", second.TokenType, second.ExpiresIn, second.Scope)
	}
	if status := apiStatus(t, s, second.AccessToken); status != http.StatusOK {
		t.Errorf("the refreshed access token gets %d, want 200", status)
	}

	wantRefusal(t, postToken(t, s, refreshForm(s, first.RefreshToken)), 400, "invalid_grant")

	third := mustGrant(t, postToken(t, s, refreshForm(s, second.RefreshToken)))
	wantRefusal(t, postToken(t, s, refreshForm(s, second.RefreshToken)), 400, "invalid_grant")
	if s.Refreshes() != 4 || s.Authorizations() != 1 {
		t.Errorf("Refreshes() = %d, Authorizations() = %d; want 4 and 1", s.Refreshes(), s.Authorizations())
	}
	// An old access token lives on until it expires: rotation is about
	// refresh tokens.
	if status := apiStatus(t, s, first.AccessToken); status != http.StatusOK {
		t.Errorf("the first access token gets %d after two refreshes, want 200", status)
	}
	_ = third
}

func TestOAuth2RefreshesAnExpiredTokenWithTheRefreshToken(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	cfg := codeConfig(s, oauth2.AuthStyleInHeader)
	first, err := cfg.Exchange(context.Background(), codeFrom(t, s, codeQuery("profile zap", "s")))
	if err != nil {
		t.Fatal(err)
	}
	expired := &oauth2.Token{RefreshToken: first.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	renewed, err := cfg.TokenSource(context.Background(), expired).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if renewed.RefreshToken == first.RefreshToken || apiStatus(t, s, renewed.AccessToken) != http.StatusOK {
		t.Errorf("the refresh did not give a new refresh token and a working access token")
	}
	_, err = cfg.TokenSource(context.Background(), expired).Token()
	var refused *oauth2.RetrieveError
	if !errors.As(err, &refused) || refused.ErrorCode != "invalid_grant" {
		t.Errorf("the replaced refresh token: %v, want invalid_grant", err)
	}
	if s.Refreshes() != 2 {
		t.Errorf("Refreshes() = %d, want 2", s.Refreshes())
	}
}

func TestOnlyOneOfSimultaneousRefreshesWithOneTokenIsGranted(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	first := mustGrant(t, postToken(t, s, exchangeForm(s, codeFrom(t, s, codeQuery("zap", "s")))))
	const n = 8
	replies := make([]tokenReply, n)
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-begin
			replies[i] = postToken(t, s, refreshForm(s, first.RefreshToken))
		})
	}
	close(begin)
	wg.Wait()
	granted := 0
	for _, r := range replies {
		if r.status == http.StatusOK {
			granted++
		} else if r.Error != "invalid_grant" {
			t.Errorf("a refused refresh: %d %q, want invalid_grant", r.status, r.Error)
		}
	}
	if granted != 1 || s.Refreshes() != n {
		t.Errorf("%d of %d refreshes granted, Refreshes() = %d; want 1 and %d", granted, n, s.Refreshes(), n)
	}
}

func TestARefreshMayNarrowTheScopeButNotWidenIt(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	first := mustGrant(t, postToken(t, s, exchangeForm(s, codeFrom(t, s, codeQuery("profile zap", "s")))))

	wider := refreshForm(s, first.RefreshToken)
	wider.Set("scope", "profile zap zap:write")
	wantRefusal(t, postToken(t, s, wider), 400, "invalid_scope")

	narrower := refreshForm(s, first.RefreshToken)
	narrower.Set("scope", "profile")
	second := mustGrant(t, postToken(t, s, narrower))
	if second.Scope != "profile" {
		t.Errorf("scope %q, want profile", second.Scope)
	}
	if resp, _ := apiGet(t, s.URL()+"/v1/zaps", second.AccessToken); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the narrowed token reads Zaps: status %d, want 403", resp.StatusCode)
	}
	// The refresh token keeps the scope first granted.
	third := mustGrant(t, postToken(t, s, refreshForm(s, second.RefreshToken)))
	if third.Scope != "profile zap" {
		t.Errorf("scope after a plain refresh %q, want \"profile zap\"", third.Scope)
	}
}

func TestAChainAdvancesOnceFromEachPlaceWhateverTheConcurrency(t *testing.T) {
	chains := &refreshChains{dir: t.TempDir(), key: []byte("test key")}
	if err := chains.start("chain-1"); err != nil {
		t.Fatal(err)
	}
	const n = 32
	errs := make([]error, n)
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-begin
			errs[i] = chains.advance("chain-1", 1)
		})
	}
	close(begin)
	wg.Wait()
	advanced := 0
	for _, err := range errs {
		switch {
		case err == nil:
			advanced++
		case !errors.Is(err, errRefreshReplaced):
			t.Errorf("advance: %v, want errRefreshReplaced", err)
		}
	}
	if latest, _, _ := chains.read("chain-1"); advanced != 1 || latest != 2 {
		t.Errorf("%d of %d advanced the chain to %d; want 1 to 2", advanced, n, latest)
	}
}

func TestARevokedChainCannotBeStartedAgain(t *testing.T) {
	// A code's second use can be answered before its first: the first must
	// then fail, not bring the revoked chain back.
	chains := &refreshChains{dir: t.TempDir(), key: []byte("test key")}
	if err := chains.revoke("chain-1"); err != nil {
		t.Fatal(err)
	}
	if err := chains.start("chain-1"); !errors.Is(err, errRefreshRevoked) {
		t.Errorf("start of a revoked chain: %v, want errRefreshRevoked", err)
	}
	if !chains.revoked("chain-1") {
		t.Errorf("the chain is no longer revoked")
	}
}

func TestAReplacedRefreshTokenCannotBeRenumbered(t *testing.T) {
	s := start(t, Options{Approve: ApproveAuto})
	first := mustGrant(t, postToken(t, s, exchangeForm(s, codeFrom(t, s, codeQuery("zap", "s")))))
	mustGrant(t, postToken(t, s, refreshForm(s, first.RefreshToken)))

	// The replaced token, its place changed to the chain's latest, its
	// signature kept.
	body, sig, _ := strings.Cut(first.RefreshToken, ".")
	payload, err := b64.DecodeString(strings.TrimPrefix(body, refreshPrefix))
	if err != nil {
		t.Fatal(err)
	}
	renumbered := strings.Replace(string(payload), `"n":1`, `"n":2`, 1)
	if renumbered == string(payload) {
		t.Fatalf("no place 1 in %s", payload)
	}
	forged := refreshPrefix + b64.EncodeToString([]byte(renumbered)) + "." + sig
	wantRefusal(t, postToken(t, s, refreshForm(s, forged)), 400, "invalid_grant")
}

func TestRefreshTokensOutliveARestartAndStillRotate(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "sandbox.key")
	before := start(t, Options{Approve: ApproveAuto, KeyFile: keyFile})
	first := mustGrant(t, postToken(t, before, exchangeForm(before, codeFrom(t, before, codeQuery("zap", "s")))))
	second := mustGrant(t, postToken(t, before, refreshForm(before, first.RefreshToken)))
	before.Close()

	after := start(t, Options{KeyFile: keyFile})
	wantRefusal(t, postToken(t, after, refreshForm(after, first.RefreshToken)), 400, "invalid_grant")
	mustGrant(t, postToken(t, after, refreshForm(after, second.RefreshToken)))

	other := start(t, Options{}) // another installation's key
	wantRefusal(t, postToken(t, other, refreshForm(other, second.RefreshToken)), 400, "invalid_grant")
}

func TestExpiresInSetsTheLifetimeOfCodeGrantTokens(t *testing.T) {
	clock := newFakeClock()
	s := start(t, Options{Approve: ApproveAuto, ExpiresIn: 90 * time.Second, Now: clock.Now})
	tok := mustGrant(t, postToken(t, s, exchangeForm(s, codeFrom(t, s, codeQuery("profile", "s")))))
	if tok.ExpiresIn != 90 {
		t.Errorf("expires_in %d, want 90", tok.ExpiresIn)
	}
	clock.Advance(89 * time.Second)
	if status := apiStatus(t, s, tok.AccessToken); status != http.StatusOK {
		t.Errorf("before expiry: %d, want 200", status)
	}
	clock.Advance(time.Second)
	if status := apiStatus(t, s, tok.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("at expiry: %d, want 401", status)
	}
	if renewed := mustGrant(t, postToken(t, s, refreshForm(s, tok.RefreshToken))); apiStatus(t, s, renewed.AccessToken) != http.StatusOK {
		t.Errorf("the token refreshed after expiry does not work")
	}
}

func TestTheClientSecretIsTheOneSetOrOneMadeFromTheKey(t *testing.T) {
	set := start(t, Options{ClientSecret: "s3cret from the flag"})
	if set.ClientSecret() != "s3cret from the flag" {
		t.Errorf("ClientSecret() = %q, want the one set", set.ClientSecret())
	}
	keyFile := filepath.Join(t.TempDir(), "sandbox.key")
	a, b := start(t, Options{KeyFile: keyFile}), start(t, Options{KeyFile: keyFile})
	other := start(t, Options{})
	if a.ClientSecret() == "" || a.ClientSecret() != b.ClientSecret() || a.ClientSecret() == other.ClientSecret() {
		t.Errorf("made secrets: %t, %t, %t; want one per key, the same for one key",
			a.ClientSecret() != "", a.ClientSecret() == b.ClientSecret(), a.ClientSecret() != other.ClientSecret())
	}
	if !strings.HasPrefix(a.ClientSecret(), clientSecretPrefix) || len(a.ClientSecret()) < 40 {
		t.Errorf("made secret of %d characters, want a long sbs_ one", len(a.ClientSecret()))
	}

	t.Setenv("XDG_DATA_HOME", t.TempDir())
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	local, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := LocalClientSecret(); err != nil || got != local.ClientSecret() {
		t.Errorf("LocalClientSecret() = %t, %v; want the built-in sandbox's secret", got == local.ClientSecret(), err)
	}
}

func TestTheCodeGrantKeepsNoTokenCodeOrSecretOnDiskOrInTheLog(t *testing.T) {
	dir := t.TempDir()
	var log syncBuffer
	s := start(t, Options{KeyFile: filepath.Join(dir, "sandbox.key"), Approve: ApproveAuto,
		Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	verifier := oauth2.GenerateVerifier()
	code := codeFrom(t, s, withPKCE(codeQuery("profile zap", "s"), verifier))
	exchange := exchangeForm(s, code)
	exchange.Set("code_verifier", verifier)
	first := mustGrant(t, postToken(t, s, exchange))
	second := mustGrant(t, postToken(t, s, refreshForm(s, first.RefreshToken)))
	wantRefusal(t, postToken(t, s, refreshForm(s, first.RefreshToken)), 400, "invalid_grant")

	secrets := map[string]string{"the code": code, "the client secret": s.ClientSecret(), "the verifier": verifier}
	for i, tok := range []tokenAnswer{first, second} {
		for kind, value := range map[string]string{"access token": tok.AccessToken, "refresh token": tok.RefreshToken} {
			name := fmt.Sprintf("%s %d", kind, i+1)
			secrets[name] = value
			// The signature alone identifies a token.
			secrets[name+"'s signature"] = value[strings.LastIndex(value, ".")+1:]
		}
	}
	files := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, _ := os.ReadFile(path)
		for kind, value := range secrets {
			if strings.Contains(string(b), value) || strings.Contains(path, value) {
				t.Errorf("%s holds %s", path, kind)
			}
		}
		return nil
	})
	if files < 3 { // the key, the consent memory, a refresh chain
		t.Errorf("%d files on disk, want at least the key, the consent memory and the chain", files)
	}
	for kind, value := range secrets {
		if strings.Contains(log.String(), value) {
			t.Errorf("the log holds %s", kind)
		}
	}
	if !strings.Contains(log.String(), "refresh request") || !strings.Contains(log.String(), "refreshes=2") {
		t.Errorf("the log has no line counting refresh requests:\n%s", log.String())
	}
}

func TestTheIndexPageNamesTheTokenURLAndEachClientsGrants(t *testing.T) {
	s := start(t, Options{Clients: map[string][]string{"other": {"http://127.0.0.1:9/cb"}}})
	_, body := get(t, s.URL()+"/")
	for _, want := range []string{s.URL() + "/oauth/token/", "authorization code with the client secret", "implicit (response_type=token)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the index page lacks %q", want)
		}
	}
	if strings.Contains(body, s.ClientSecret()) {
		t.Errorf("the index page shows the client secret")
	}
}
