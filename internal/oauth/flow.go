package oauth

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/oauth2"
)

// Grant is how a profile's app hands out tokens.
type Grant string

// The grants Partnerdesk signs in with.
const (
	// GrantImplicit: the token comes in the redirect's fragment
	// (response_type=token). Every profile made before the code grant.
	GrantImplicit Grant = "implicit"
	// GrantCode: the redirect carries a one-use code that the app trades,
	// with its client secret, for an access token and a refresh token
	// (response_type=code). Zapier's only grant for apps approved since
	// April 2024.
	GrantCode Grant = "code"
)

// ParseGrant reads a profile's grant setting; "" is GrantImplicit, so
// profiles saved before grants existed load unchanged.
func ParseGrant(s string) (Grant, error) {
	switch Grant(s) {
	case "", GrantImplicit:
		return GrantImplicit, nil
	case GrantCode:
		return GrantCode, nil
	}
	return "", fmt.Errorf("The sign-in type must be %q or %q, not %q.", GrantImplicit, GrantCode, sanitizeText(s, 40))
}

// Flow is one sign-in attempt with one grant. The caller shows
// AuthorizeURL (in the sign-in window or the system browser), catches the
// address the provider redirects to (window, loopback relay or paste: the
// same for every grant) and hands it to Finish. A Flow accepts exactly one
// reply: its state is used up by the first Finish, whatever the outcome.
type Flow interface {
	// AuthorizeURL is the provider's sign-in page for this attempt.
	AuthorizeURL() string
	// State is this attempt's state, for a relay that must tell its reply
	// from any other request (internal/loopback). It is no secret from
	// the provider: AuthorizeURL carries it.
	State() string
	// Finish turns the redirect address into tokens, or says why it
	// cannot. It checks the state, never the address itself (that is
	// Matcher's job).
	Finish(ctx context.Context, redirectURL string) (Token, error)
}

// ImplicitFlow is a sign-in with the implicit grant: the token is read from
// the redirect's fragment by ParseRedirect, and nothing goes over the
// network.
type ImplicitFlow struct {
	url    string
	state  *State
	scopes []string
}

// NewImplicitFlow starts an implicit-grant attempt with a fresh state. r's
// State must be empty: the flow makes its own.
func NewImplicitFlow(r Request) (*ImplicitFlow, error) {
	state, err := newFlowState(r)
	if err != nil {
		return nil, err
	}
	r.State = state.String()
	u, err := r.URL()
	if err != nil {
		return nil, err
	}
	return &ImplicitFlow{url: u, state: state, scopes: r.Scopes}, nil
}

// AuthorizeURL returns the authorize address, with response_type=token.
func (f *ImplicitFlow) AuthorizeURL() string { return f.url }

// State returns the attempt's state.
func (f *ImplicitFlow) State() string { return f.state.String() }

// Finish is ParseRedirect with this attempt's state.
func (f *ImplicitFlow) Finish(_ context.Context, redirectURL string) (Token, error) {
	return ParseRedirect(redirectURL, f.state, f.scopes)
}

// CodeFlow is a sign-in with the authorization-code grant and PKCE: the
// redirect's ?code= is traded at the token endpoint, with the client secret
// (HTTP Basic), the redirect_uri and the PKCE verifier.
type CodeFlow struct {
	url         string
	state       *State
	verifier    string
	redirectURI string
	scopes      []string
	endpoint    TokenEndpoint
}

// NewCodeFlow starts a code-grant attempt: a fresh state and a fresh PKCE
// verifier, whose S256 challenge goes in the authorize URL (always: a
// provider that ignores PKCE loses nothing, and a code caught by anyone
// else is useless without the verifier). r's State must be empty. The
// endpoint's client ID must be r's.
func NewCodeFlow(r Request, endpoint TokenEndpoint) (*CodeFlow, error) {
	if endpoint.ClientID != r.ClientID {
		return nil, errors.New("The sign-in could not start: the token address was set up for another client ID.")
	}
	if endpoint.ClientSecret == "" {
		return nil, ErrNoClientSecret
	}
	state, err := newFlowState(r)
	if err != nil {
		return nil, err
	}
	r.State = state.String()
	verifier := oauth2.GenerateVerifier()
	// x/oauth2's S256ChallengeOption works only through Config.AuthCodeURL,
	// which writes a space in scope as '+'; Request writes %20, as the
	// Partner API documentation asks. So the challenge goes in by hand.
	u, err := r.build("code", []param{
		{"code_challenge", oauth2.S256ChallengeFromVerifier(verifier)},
		{"code_challenge_method", "S256"},
	})
	if err != nil {
		return nil, err
	}
	return &CodeFlow{url: u, state: state, verifier: verifier, redirectURI: r.RedirectURI, scopes: r.Scopes, endpoint: endpoint}, nil
}

// AuthorizeURL returns the authorize address, with response_type=code and
// the PKCE challenge.
func (f *CodeFlow) AuthorizeURL() string { return f.url }

// State returns the attempt's state.
func (f *CodeFlow) State() string { return f.state.String() }

// Finish reads the code with ParseCodeRedirect and trades it at the token
// endpoint. Scopes the token endpoint leaves out are taken to be the ones
// requested.
func (f *CodeFlow) Finish(ctx context.Context, redirectURL string) (Token, error) {
	code, err := ParseCodeRedirect(redirectURL, f.state)
	if err != nil {
		return Token{}, err
	}
	tok, err := f.endpoint.Exchange(ctx, code, f.redirectURI, f.verifier)
	if err != nil {
		return Token{}, err
	}
	if tok.Scopes == nil {
		tok.Scopes = normalizeScopes(f.scopes)
	}
	return tok, nil
}

func newFlowState(r Request) (*State, error) {
	if r.State != "" {
		return nil, errors.New("The sign-in could not start: a flow makes its own security code.")
	}
	return NewState()
}

// codeReplyParams are the parameters ParseCodeRedirect reads. access_token
// is read only to refuse it.
var codeReplyParams = map[string]string{
	"code":              "the sign-in code",
	"state":             "the security code",
	"error":             "the error code",
	"error_description": "the error description",
	"error_uri":         "the error link",
	"access_token":      "an access token",
}

// maxCodeLen is the longest authorization code accepted.
const maxCodeLen = 4096

// ParseCodeRedirect reads the address the provider redirected to after a
// code-grant authorize request and returns the code, or why there is none.
//
// The code comes only in the query (RFC 6749 4.1.2; Zapier's
// response_mode=query); errors may come in the query or the fragment. As
// for ParseRedirect, a reply split between query and fragment, a repeated
// parameter or an unreadable address is ErrMalformed, and so is a code
// after # or an access token anywhere (this attempt asked for a code). Then:
// the state must pass state.Check (consumed on every call, also for an
// address that cannot be read), an error parameter gives a *ProviderError,
// and the code must be present (ErrNoCode) and at most 4096 characters of
// printable ASCII without spaces.
func ParseCodeRedirect(redirectURL string, state *State) (string, error) {
	p, err := readCodeReply(redirectURL)
	if err != nil {
		state.burn()
		return "", err
	}
	if err := state.Check(p["state"]); err != nil {
		return "", err
	}
	if code, ok := p["error"]; ok {
		pe := newProviderError(code, p["error_description"], p["error_uri"], p["code"])
		pe.codeGrant = true
		return "", pe
	}
	code := p["code"]
	if code == "" {
		return "", ErrNoCode
	}
	if len(code) > maxCodeLen || !printableNoSpace(code) {
		return "", malformed("the sign-in code is too long, or contains spaces or invisible characters")
	}
	return code, nil
}

// readCodeReply returns the known parameters of a code-grant reply: the
// code only in the query, an error in either part, never an access token.
func readCodeReply(raw string) (map[string]string, error) {
	q, f, err := splitReply(raw, codeReplyParams)
	if err != nil {
		return nil, err
	}
	if _, ok := f["code"]; ok {
		return nil, malformed("it carries the sign-in code after #, where this sign-in does not expect it")
	}
	if len(f) > 0 {
		q = f
	}
	if _, ok := q["access_token"]; ok {
		return nil, malformed("it carries an access token, but this sign-in asked for a sign-in code")
	}
	return q, nil
}
