// Package partnerapi is a client for the read endpoints of the Zapier Partner
// API.
//
// It knows each endpoint (see [Endpoints]): which credential it takes (a
// bearer token, the client_id query parameter, either, or none), which scope
// a token needs, and which of the API's four pagination styles it uses. It
// follows pages (the server's next link when there is one), streams them to
// the caller, and stops when the context is done. It decodes both error body
// shapes so callers can tell a rejected token from a missing scope or a
// server fault; it waits out 429s (Retry-After) and retries GETs that hit a
// 5xx or a time-out, with backoff, telling the caller about every wait.
// Requests go through the proxy named by HTTPS_PROXY / HTTP_PROXY unless
// NO_PROXY exempts the host.
//
// The token is either fixed (Client.Token: the implicit grant's, which
// nothing can renew) or asked of a TokenSource before each request
// (Client.Tokens: the code grant's credential.Source, which renews it). When
// the API rejects a token from a source, the client asks the source once to
// renew it and sends the request again; a second rejection is the caller's.
//
// It never logs or returns the token, sends it only to the BaseURL's host,
// and keeps no state between calls.
package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the Partner API's production address.
const DefaultBaseURL = "https://api.zapier.com"

// maxBody caps what the client reads of one response, so a broken or hostile
// server cannot fill memory.
const maxBody = 16 << 20

// Waiting limits.
const (
	// DefaultRateLimitWait is how long to wait after a 429 that does not say.
	DefaultRateLimitWait = 60 * time.Second
	// MaxWait caps any single wait, whatever Retry-After asks.
	MaxWait = 5 * time.Minute
	// DefaultTries is how often a GET is tried when the API keeps failing.
	DefaultTries = 3
	// DefaultBackoff is the pause before the second try; it doubles after.
	DefaultBackoff = time.Second
	// maxRateLimitWaits is how many 429s in a row one request sits out
	// before the client gives up.
	maxRateLimitWaits = 5
)

// Client calls the Partner API at BaseURL. The zero value calls production
// with no credentials.
type Client struct {
	BaseURL string // "" means DefaultBaseURL
	Token   string // bearer token, for endpoints that take one
	// Tokens, when set, gives the bearer token instead of Token, asked for
	// each request that takes one, and renews it once when the API
	// rejects it.
	Tokens   TokenSource
	ClientID string       // for endpoints that take the client_id parameter
	HTTP     *http.Client // nil means a client with a 30 s time-out that honours the proxy variables

	// OnWait, when set, is told before each pause: a 429's cool-down or the
	// backoff before another try. The pause can be cut short through the
	// context.
	OnWait func(Wait)
	// Tries is how often a GET is tried when it gets a 5xx or times out;
	// 0 means DefaultTries.
	Tries int
	// Backoff is the pause before the second try, doubled before each
	// further one; 0 means DefaultBackoff.
	Backoff time.Duration
	// Log receives one debug line per request (method, path, status); nil
	// discards. Neither the token nor the query is ever logged.
	Log *slog.Logger
}

// TokenSource gives a valid access token (renewing it first when it is
// about to expire) and renews one the API rejected; credential.Source is
// one.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Renew(ctx context.Context, rejected string) (string, error)
}

// WaitReason says why the client pauses.
type WaitReason string

const (
	WaitRateLimited WaitReason = "rate-limited" // a 429: the API asked to slow down
	WaitRetry       WaitReason = "retry"        // a 5xx or a time-out: trying again
)

// Wait is a pause the client is about to make.
type Wait struct {
	Reason WaitReason
	For    time.Duration
	Try    int   // the try that follows the pause, counting from 1
	Tries  int   // how many tries there will be at most (retries only)
	Err    error // what caused the pause
}

var defaultHTTP = &http.Client{Timeout: 30 * time.Second, Transport: newTransport()}

// newTransport is http.DefaultTransport's configuration with the proxy
// taken from the environment: HTTPS_PROXY for https, HTTP_PROXY for http,
// NO_PROXY for exceptions. (Go never proxies requests to loopback hosts.)
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	return t
}

// Identity is the account a token belongs to (GET /v1/profiles/me).
type Identity struct {
	ID       json.Number `json:"id"`
	First    string      `json:"first_name"`
	Last     string      `json:"last_name"`
	FullName string      `json:"full_name"`
	Email    string      `json:"email"`
	Timezone string      `json:"timezone"`
}

// Me returns who the token belongs to. It needs the profile scope.
func (c *Client) Me(ctx context.Context) (Identity, error) {
	var id Identity
	body, err := c.Get(ctx, "/v1/profiles/me", nil)
	if err != nil {
		return id, err
	}
	if err := json.Unmarshal(body, &id); err != nil {
		return id, &BadResponseError{Path: "/v1/profiles/me", Reason: "not the expected JSON object"}
	}
	if id.FullName == "" {
		id.FullName = strings.TrimSpace(id.First + " " + id.Last)
	}
	return id, nil
}

// Get fetches one document: path (which may carry a query) plus query, with
// the credential the endpoint at that path takes; a path the client does not
// know gets the token when there is one, else the client_id. The body must
// be JSON.
func (c *Client) Get(ctx context.Context, path string, query url.Values) (json.RawMessage, error) {
	u, err := c.resolve(path)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	for k, v := range query {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	auth := AuthEither
	if ep, ok := EndpointForPath(u.Path); ok {
		auth = ep.Auth
	}
	body, err := c.get(ctx, u, auth)
	if err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		return nil, &BadResponseError{Path: u.Path, Reason: "not valid JSON"}
	}
	return body, nil
}

func (c *Client) base() (*url.URL, error) {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the API address %q is not a valid http(s) URL", base)
	}
	return u, nil
}

// resolve makes path absolute on BaseURL. A link the server sent (absolute
// or not) is kept to BaseURL's scheme and host, so that credentials never
// go anywhere else.
func (c *Client) resolve(link string) (*url.URL, error) {
	base, err := c.base()
	if err != nil {
		return nil, err
	}
	ref, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("the address %q is not valid: %w", link, err)
	}
	u := *base
	u.RawQuery = ref.RawQuery
	u.Fragment = ""
	if ref.IsAbs() || ref.Host != "" {
		u.Path, u.RawPath = ref.Path, ref.RawPath
	} else {
		u.Path = strings.TrimRight(base.Path, "/") + "/" + strings.TrimLeft(ref.Path, "/")
		u.RawPath = ""
	}
	return &u, nil
}

// get sends a GET with the credential auth calls for, waiting out 429s and
// retrying 5xx answers and time-outs, and returns the body of a 2xx answer.
// A token from Tokens that the API rejects is renewed once.
func (c *Client) get(ctx context.Context, u *url.URL, auth Auth) ([]byte, error) {
	token := c.Token
	probe := *u // credentialFor edits the query it is given
	if c.Tokens != nil && c.credentialFor(&probe, auth) == CredentialToken {
		var err error
		if token, err = c.Tokens.Token(ctx); err != nil {
			return nil, err
		}
	}
	renewed := false
	tries := c.Tries
	if tries <= 0 {
		tries = DefaultTries
	}
	backoff := c.Backoff
	if backoff <= 0 {
		backoff = DefaultBackoff
	}
	rateWaits := 0
	for try := 1; ; {
		body, err := c.once(ctx, u, auth, token)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var apiErr *APIError
		var netErr *NetworkError
		isAPI := errors.As(err, &apiErr)
		switch {
		case c.Tokens != nil && token != "" && !renewed && errors.Is(err, ErrTokenRejected):
			// Revoked, or renewed by another process since it was read.
			renewed = true
			if token, err = c.Tokens.Renew(ctx, token); err != nil {
				return nil, err
			}
			continue
		case isAPI && apiErr.Status == http.StatusTooManyRequests:
			rateWaits++
			if rateWaits > maxRateLimitWaits {
				return nil, err
			}
			wait := apiErr.RetryAfter
			if wait <= 0 {
				wait = DefaultRateLimitWait
			}
			if err := c.pause(ctx, Wait{Reason: WaitRateLimited, For: min(wait, MaxWait), Try: try, Err: err}); err != nil {
				return nil, err
			}
			continue // a 429 does not count as a failed try
		case isAPI && apiErr.retryable(), errors.As(err, &netErr) && netErr.Timeout():
			if try >= tries {
				return nil, &GaveUpError{Tries: try, Err: err}
			}
			wait := backoff << (try - 1)
			if isAPI && apiErr.RetryAfter > 0 {
				wait = apiErr.RetryAfter
			}
			try++
			if err := c.pause(ctx, Wait{Reason: WaitRetry, For: min(wait, MaxWait), Try: try, Tries: tries, Err: err}); err != nil {
				return nil, err
			}
			continue
		}
		return nil, err
	}
}

// pause waits w.For, or until ctx is done.
func (c *Client) pause(ctx context.Context, w Wait) error {
	if c.OnWait != nil {
		c.OnWait(w)
	}
	c.log().Debug("api wait", "reason", string(w.Reason), "for", w.For, "try", w.Try)
	t := time.NewTimer(w.For)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}

// withoutTokenLeaks returns a copy of hc that follows redirects without the
// token unless they stay on origin's scheme, host and port. Go's client
// keeps Authorization whenever the host name matches, so a redirect to
// another port or from https to plain http would otherwise carry it.
func withoutTokenLeaks(hc *http.Client, origin *url.URL) *http.Client {
	safe := *hc
	follow := hc.CheckRedirect
	safe.CheckRedirect = func(next *http.Request, via []*http.Request) error {
		if next.URL.Scheme != origin.Scheme || next.URL.Host != origin.Host {
			next.Header.Del("Authorization")
		}
		if follow != nil {
			return follow(next, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &safe
}

// once sends one GET, with token when auth takes it.
func (c *Client) once(ctx context.Context, u *url.URL, auth Auth, token string) ([]byte, error) {
	target := *u
	sent := c.credentialFor(&target, auth)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, err
	}
	if sent == CredentialToken && token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Partnerdesk")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	start := time.Now()
	resp, err := withoutTokenLeaks(hc, req.URL).Do(req)
	if err != nil {
		c.log().Debug("api request failed", "method", "GET", "path", u.Path, "duration", time.Since(start))
		return nil, &NetworkError{Host: u.Host, Err: stripURL(err)}
	}
	defer resp.Body.Close()
	c.log().Debug("api request", "method", "GET", "path", u.Path, "status", resp.StatusCode, "duration", time.Since(start))
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &NetworkError{Host: u.Host, Err: stripURL(err)}
	}
	if len(body) > maxBody {
		return nil, &BadResponseError{Path: u.Path, Reason: "the answer was too large to read"}
	}
	if resp.StatusCode/100 != 2 {
		return nil, newAPIError(resp, u.Path, body, sent, time.Now())
	}
	return body, nil
}

// credentialFor chooses the credential auth calls for: the bearer token when
// the endpoint takes one and the client has one, else the client_id
// parameter when the endpoint takes that, which it sets in u's query (a
// client_id the query carries is removed when the token goes instead). It
// returns the credential chosen, even when the client lacks it: a token
// endpoint called without a token was called "with a token" that the API
// rightly refuses.
func (c *Client) credentialFor(u *url.URL, auth Auth) Credential {
	q := u.Query()
	switch {
	case (c.Token != "" || c.Tokens != nil) && (auth == AuthToken || auth == AuthEither):
		if q.Has("client_id") {
			q.Del("client_id")
			u.RawQuery = q.Encode()
		}
		return CredentialToken
	case auth == AuthToken:
		return CredentialToken
	case auth == AuthClientID || auth == AuthEither:
		if c.ClientID != "" {
			q.Set("client_id", c.ClientID)
			u.RawQuery = q.Encode()
		}
		return CredentialClientID
	}
	return CredentialNone
}

// stripURL drops the URL from a *url.Error: it says nothing the host does
// not, and a server's link could carry anything.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
