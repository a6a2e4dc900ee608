package oauth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DefaultAuthorizeURL is Zapier's authorize endpoint, used when a Request
// leaves AuthorizeURL empty.
const DefaultAuthorizeURL = "https://zapier.com/oauth/authorize/"

// Prompt is the approval_prompt parameter: whether the provider may skip its
// consent screen when the operator already granted the same scopes.
type Prompt string

// The approval_prompt values the Partner API accepts.
const (
	PromptAuto  Prompt = "auto"  // skip the consent screen while a live grant exists
	PromptForce Prompt = "force" // always show the consent screen
)

// Request holds the parameters of one authorize URL.
type Request struct {
	AuthorizeURL string   // "" means DefaultAuthorizeURL
	ClientID     string   // required
	RedirectURI  string   // required; must equal the registered one exactly
	Scopes       []string // each element may itself hold several space-separated scopes
	Prompt       Prompt   // "" leaves approval_prompt out
	State        string   // required: the value of a fresh State
}

// authorizeParams are the query parameters URL adds; an AuthorizeURL that
// already carries one of them is refused rather than silently overridden.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "approval_prompt", "state"}

// URL builds the implicit grant's authorize URL: client_id, redirect_uri, response_type=token,
// scope (the scopes joined by a space, written %20), approval_prompt and
// state, each percent-encoded, after any query parameters AuthorizeURL
// already has. Scopes are split on white space, and empty or repeated ones
// dropped; no scope leaves the parameter out.
//
// URL does not apply ValidateRedirectURI: profiles are checked when saved.
// It refuses an empty State, because ParseRedirect rejects every reply to a
// request sent without one.
func (r Request) URL() (string, error) {
	return r.build("token", nil)
}

// param is one query parameter build adds after the common ones.
type param struct{ key, value string }

// build makes the authorize URL with the given response_type, and extra
// parameters (the code grant's PKCE challenge) added before state.
func (r Request) build(responseType string, extra []param) (string, error) {
	if strings.TrimSpace(r.ClientID) == "" {
		return "", errors.New("The profile has no client ID. Enter the client ID the provider gave you.")
	}
	if strings.TrimSpace(r.RedirectURI) == "" {
		return "", errors.New("The profile has no redirect address. Enter the redirect address registered with the provider.")
	}
	if r.State == "" {
		return "", errors.New("The sign-in could not start: no security code was made for it.")
	}
	switch r.Prompt {
	case "", PromptAuto, PromptForce:
	default:
		return "", fmt.Errorf("The approval prompt setting must be %q or %q, not %q.", PromptAuto, PromptForce, sanitizeText(string(r.Prompt), 40))
	}

	raw := r.AuthorizeURL
	if raw == "" {
		raw = DefaultAuthorizeURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", errors.New("The authorize address must be a full web address starting with https:// (or http://).")
	}
	if u.User != nil {
		return "", errors.New("The authorize address must not contain a user name or password (the part before @).")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "", errors.New("The authorize address must not contain a # part.")
	}
	existing, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", errors.New("The authorize address has a damaged query part (after ?).")
	}
	for _, k := range authorizeParams {
		if _, ok := existing[k]; ok {
			return "", fmt.Errorf("The authorize address already contains %s; remove it, the app adds it itself.", k)
		}
	}
	for _, p := range extra {
		if _, ok := existing[p.key]; ok {
			return "", fmt.Errorf("The authorize address already contains %s; remove it, the app adds it itself.", p.key)
		}
	}

	var q strings.Builder
	q.WriteString(strings.TrimSuffix(u.RawQuery, "&"))
	add := func(key, value string) {
		if q.Len() > 0 {
			q.WriteByte('&')
		}
		q.WriteString(key)
		q.WriteByte('=')
		q.WriteString(encodeComponent(value))
	}
	add("client_id", r.ClientID)
	add("redirect_uri", r.RedirectURI)
	add("response_type", responseType)
	if scopes := normalizeScopes(r.Scopes); len(scopes) > 0 {
		add("scope", strings.Join(scopes, " "))
	}
	if r.Prompt != "" {
		add("approval_prompt", string(r.Prompt))
	}
	for _, p := range extra {
		add(p.key, p.value)
	}
	add("state", r.State)

	u.RawQuery = q.String()
	u.ForceQuery = false
	return u.String(), nil
}

// encodeComponent percent-encodes s for a query value. It escapes everything
// but the unreserved characters and writes a space as %20, never '+', which
// the seed documentation asks for.
func encodeComponent(s string) string {
	// QueryEscape already writes a literal '+' as %2B, so every '+' left
	// stands for a space.
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// normalizeScopes splits every element on white space, drops empty and
// repeated scopes, and keeps the order. It returns nil for no scopes.
func normalizeScopes(in []string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, s := range in {
		for _, f := range strings.Fields(s) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}
