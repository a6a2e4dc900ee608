package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultTokenURL is Zapier's token endpoint, used when a TokenEndpoint
// leaves URL empty.
const DefaultTokenURL = "https://zapier.com/oauth/token/"

// TokenTimeout is how long one call to the token endpoint may take.
const TokenTimeout = 30 * time.Second

// Errors of the code grant, for errors.Is. Their messages are written for
// the operator.
var (
	// ErrNoCode: the code-grant reply carried neither a code nor an error.
	ErrNoCode = errors.New("The sign-in finished without giving this app a sign-in code. Please sign in again.")
	// ErrNoClientSecret: a code-grant profile has no client secret stored.
	ErrNoClientSecret = errors.New("This profile has no client secret stored. Add the client secret from your app's page on Zapier, then sign in.")
	// ErrGrantRefused: the token endpoint answered invalid_grant, so the
	// code or the refresh token is no longer good. A *TokenError matches it.
	ErrGrantRefused = errors.New("Zapier no longer accepts this sign-in. Please sign in again.")
	// ErrClientRefused: the token endpoint answered invalid_client, so the
	// client ID or secret is wrong. A *TokenError matches it.
	ErrClientRefused = errors.New("Zapier did not accept the client secret.")
)

// TokenEndpoint is where a code-grant client trades a code or a refresh
// token for tokens, authenticated with HTTP Basic (client ID and secret),
// as Zapier documents. The zero HTTPClient means http.DefaultClient.
//
// It never follows a redirect: the code, the verifier, the refresh token and
// the client secret go to URL and nowhere else (Go would re-send the form
// body on a 307 or 308).
type TokenEndpoint struct {
	URL          string // "" means DefaultTokenURL
	ClientID     string
	ClientSecret ClientSecret
	HTTPClient   *http.Client
}

// Exchange trades a code from ParseCodeRedirect for tokens
// (grant_type=authorization_code), sending redirect_uri and the PKCE
// verifier. Errors are *TokenError, or ctx's error.
func (e TokenEndpoint) Exchange(ctx context.Context, code, redirectURI, verifier string) (Token, error) {
	cfg, err := e.config(redirectURI)
	if err != nil {
		return Token{}, err
	}
	ctx, cancel := e.context(ctx)
	defer cancel()
	t, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Token{}, e.fail(ctx, "exchange", err, code, verifier)
	}
	return e.token(t, "")
}

// Refresh trades a refresh token for new tokens (grant_type=refresh_token).
// Zapier rotates refresh tokens: the one returned replaces refreshToken,
// which stops working. A provider that returns none keeps the old one valid
// (RFC 6749 section 6), so the result then carries refreshToken again.
// A refused refresh token is a *TokenError matching ErrGrantRefused.
func (e TokenEndpoint) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	cfg, err := e.config("")
	if err != nil {
		return Token{}, err
	}
	ctx, cancel := e.context(ctx)
	defer cancel()
	// A token with no access token is never valid, so x/oauth2 refreshes.
	t, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return Token{}, e.fail(ctx, "refresh", err, refreshToken)
	}
	return e.token(t, refreshToken)
}

func (e TokenEndpoint) tokenURL() string {
	if e.URL == "" {
		return DefaultTokenURL
	}
	return e.URL
}

func (e TokenEndpoint) config(redirectURI string) (*oauth2.Config, error) {
	if strings.TrimSpace(e.ClientID) == "" {
		return nil, errors.New("The profile has no client ID. Enter the client ID the provider gave you.")
	}
	if e.ClientSecret == "" {
		return nil, ErrNoClientSecret
	}
	raw := e.tokenURL()
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("The token address must be a full web address starting with https:// (or http://).")
	}
	if u.User != nil || u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, errors.New("The token address must not contain a user name, a password or a # part.")
	}
	return &oauth2.Config{
		ClientID:     e.ClientID,
		ClientSecret: string(e.ClientSecret),
		RedirectURL:  redirectURI,
		Endpoint:     oauth2.Endpoint{TokenURL: raw, AuthStyle: oauth2.AuthStyleInHeader},
	}, nil
}

// context gives x/oauth2 an HTTP client that does not follow redirects, and
// the time-out.
func (e TokenEndpoint) context(ctx context.Context) (context.Context, context.CancelFunc) {
	base := e.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	client := *base
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx, cancel := context.WithTimeoutCause(ctx, TokenTimeout, errTokenTimeout)
	return context.WithValue(ctx, oauth2.HTTPClient, &client), cancel
}

var errTokenTimeout = errors.New("token endpoint time-out")

// token checks what the endpoint gave, as ParseRedirect checks a redirect.
// oldRefresh is kept when no new refresh token came.
func (e TokenEndpoint) token(t *oauth2.Token, oldRefresh string) (Token, error) {
	if !strings.EqualFold(t.TokenType, "bearer") {
		return Token{}, e.answer("it is not a Bearer token, the only kind this app can use")
	}
	if len(t.AccessToken) > maxTokenLen || !printableNoSpace(t.AccessToken) {
		return Token{}, e.answer("the access token is too long, or contains spaces or invisible characters")
	}
	refresh := t.RefreshToken
	if refresh == "" {
		refresh = oldRefresh
	}
	if len(refresh) > maxTokenLen || (refresh != "" && !printableNoSpace(refresh)) {
		return Token{}, e.answer("the refresh token is too long, or contains spaces or invisible characters")
	}
	tok := Token{AccessToken: t.AccessToken, TokenType: t.TokenType, RefreshToken: refresh}
	switch {
	case t.ExpiresIn != 0:
		if t.ExpiresIn < 0 || t.ExpiresIn > int64(maxExpiresIn/time.Second) {
			return Token{}, e.answer("the expiry time is not a number of seconds between 1 and one year")
		}
		tok.ExpiresIn = time.Duration(t.ExpiresIn) * time.Second
	case !t.Expiry.IsZero():
		// A form-encoded answer: x/oauth2 turned expires_in into a time.
		tok.ExpiresIn = time.Until(t.Expiry).Round(time.Second)
		if tok.ExpiresIn <= 0 || tok.ExpiresIn > maxExpiresIn {
			return Token{}, e.answer("the expiry time is not a number of seconds between 1 and one year")
		}
	}
	if s, ok := t.Extra("scope").(string); ok {
		scopes, err := parseScope(s)
		if err != nil {
			return Token{}, e.answer("the granted scopes contain invisible or unexpected characters")
		}
		tok.Scopes = scopes
	}
	return tok, nil
}

func (e TokenEndpoint) answer(detail string) error {
	return &TokenError{Kind: TokenNotAToken, Host: e.host(), detail: detail}
}

func (e TokenEndpoint) host() string {
	u, err := url.Parse(e.tokenURL())
	if err != nil {
		return ""
	}
	return sanitizeText(u.Host, 255)
}

// fail turns what x/oauth2 returned into a *TokenError, or the caller's
// context error when the caller gave up. secrets are cut from the
// provider's description, so an endpoint echoing a code or a refresh token
// cannot pass it on.
func (e TokenEndpoint) fail(ctx context.Context, op string, err error, secrets ...string) error {
	if context.Cause(ctx) == errTokenTimeout {
		return &TokenError{Op: op, Kind: TokenUnreachable, Host: e.host(), detail: "it did not answer within " + TokenTimeout.String()}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Op: op, Host: e.host(), Code: sanitizeText(re.ErrorCode, maxCode)}
		if re.Response != nil {
			te.Status = re.Response.StatusCode
		}
		secrets = append(secrets, string(e.ClientSecret))
		te.Description = sanitizeText(cutSecrets(re.ErrorDescription, secrets), maxDescription)
		switch {
		case te.Code != "":
			te.Kind = TokenRefused
		case te.Status >= 300 && te.Status < 400:
			te.Kind = TokenRedirected
		case te.Status >= 500 || te.Status == http.StatusTooManyRequests:
			te.Kind = TokenServerTrouble
		default:
			te.Kind = TokenNotAToken
		}
		return te
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &TokenError{Op: op, Kind: TokenUnreachable, Host: e.host()}
	}
	// x/oauth2's "cannot parse json" and "server response missing
	// access_token": a 2xx answer that is no token.
	return &TokenError{Op: op, Kind: TokenNotAToken, Host: e.host()}
}

// cutSecrets replaces every secret of eight or more characters in text.
func cutSecrets(text string, secrets []string) string {
	for _, s := range secrets {
		if len(s) >= 8 {
			text = strings.ReplaceAll(text, s, "[removed]")
		}
	}
	return text
}

// TokenErrorKind says what went wrong at the token endpoint.
type TokenErrorKind int

// The kinds of token endpoint failure.
const (
	TokenRefused       TokenErrorKind = iota + 1 // an OAuth error code (invalid_grant, ...)
	TokenRedirected                              // a 3xx, not followed
	TokenServerTrouble                           // 5xx or 429 without an error code
	TokenNotAToken                               // an answer that is not a usable token
	TokenUnreachable                             // no answer: network, DNS, time-out
)

// TokenError is a failed call to the token endpoint, in operator words. It
// never holds the provider's raw answer: Description is the sanitized
// error_description with any secret sent cut out.
type TokenError struct {
	Op          string // "exchange" or "refresh"
	Kind        TokenErrorKind
	Code        string // the OAuth error code, for TokenRefused
	Description string // the provider's error_description, sanitized
	Status      int    // the HTTP status, 0 when there was no answer
	Host        string // the token address's host

	detail string // what is wrong with an answer that is no token
}

// Is makes invalid_grant match ErrGrantRefused and invalid_client
// ErrClientRefused.
func (e *TokenError) Is(target error) bool {
	return (target == ErrGrantRefused && e.Code == "invalid_grant") ||
		(target == ErrClientRefused && e.Code == "invalid_client")
}

// Error says what happened and what to do.
func (e *TokenError) Error() string {
	status := ""
	if e.Status != 0 {
		status = " (HTTP " + strconv.Itoa(e.Status) + ")"
	}
	var msg string
	switch e.Kind {
	case TokenRedirected:
		msg = "Zapier's token address sent Partnerdesk to another address" + status + ". Partnerdesk sends the client secret only to the profile's token URL: check it (a missing / at the end often causes this)."
	case TokenServerTrouble:
		msg = "Zapier's token address had a problem" + status + ". Try again in a few minutes."
	case TokenNotAToken:
		msg = "The token address answered with something that is not a usable token" + status
		if e.detail != "" {
			msg += ": " + e.detail
		}
		msg += ". Check the profile's token URL."
	case TokenUnreachable:
		msg = "Partnerdesk could not reach the token address"
		if e.Host != "" {
			msg += " " + e.Host
		}
		if e.detail != "" {
			msg += " (" + e.detail + ")"
		}
		msg += ". Check the internet connection, then try again."
	default:
		msg = e.refusal()
	}
	if e.Description != "" {
		msg += ` Zapier said: "` + e.Description + `"`
	}
	return msg
}

func (e *TokenError) refusal() string {
	switch e.Code {
	case "invalid_client":
		return "Zapier did not accept the client secret (or the client ID) of this profile. Copy the client secret again from your app's page on Zapier and replace the one Partnerdesk keeps."
	case "invalid_grant":
		if e.Op == "refresh" {
			return "Zapier no longer accepts this profile's saved sign-in (it was revoked or already renewed elsewhere). Please sign in again."
		}
		return "Zapier did not accept the sign-in code: it was already used, or more than 2 minutes passed. Please sign in again."
	case "unauthorized_client":
		return "Zapier does not let this client ID sign in with a client secret. Check the profile's client ID and sign-in type."
	case "unsupported_grant_type":
		return "The token address does not accept this kind of sign-in. Check the profile's token URL and sign-in type."
	case "invalid_scope":
		return "Zapier does not accept the scopes this profile asks for: check the profile's scopes."
	case "invalid_request":
		return "Zapier refused the sign-in as incomplete. Check the profile's client ID, redirect URI and token URL."
	}
	return fmt.Sprintf("Zapier refused the sign-in with the reason %q.", e.Code)
}
