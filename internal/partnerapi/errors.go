package partnerapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrTokenRejected matches an *APIError that says the token no longer works:
// a 401, or a 403 "Invalid authentication", to a request that was sent with
// the token or with nothing. Sign in again to get a new one.
var ErrTokenRejected = errors.New("the token was rejected")

// ErrClientIDRejected matches an *APIError that refuses the client_id a
// request was sent with (401 "Missing client_id", or a 403 that names no
// scope): the profile's client ID is wrong or not allowed to call the
// endpoint. Signing in again would not help.
var ErrClientIDRejected = errors.New("the client_id was rejected")

// ErrNeedsToken means an endpoint takes only a token and the caller has
// none that works: sign in (again) first. [Endpoint.Check] returns it
// without calling the API.
var ErrNeedsToken = errors.New("this needs a signed-in token")

// ErrPagingLoop matches a *PagingError for a list that does not move on: a
// next-page link repeats one already fetched, a page repeats the one before
// it, or empty pages keep saying more follow. List stops rather than loop
// for ever.
var ErrPagingLoop = errors.New("Zapier kept sending the same page")

// ErrListTooLong matches a *PagingError for a list longer than List follows
// (ListOptions.MaxPages, MaxItems): it stops there rather than fill the
// memory.
var ErrListTooLong = errors.New("the list is longer than Partnerdesk fetches at once")

// PagingError says why List stopped following a list's pages before its
// end, and how far it got. The pages up to there were handed to the caller.
type PagingError struct {
	Reason error  // ErrPagingLoop or ErrListTooLong
	What   string // what happened, in the operator's words
	Pages  int    // pages fetched
	Items  int    // items handed to the caller
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("%s; stopped after %s and %s", e.What, amount(e.Pages, "page"), amount(e.Items, "row"))
}

func (e *PagingError) Unwrap() error { return e.Reason }

// amount writes n with thousands separators and the noun, plural when needed:
// "1 page", "10,000 pages".
func amount(n int, noun string) string {
	digits := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if n != 1 {
		noun += "s"
	}
	return b.String() + " " + noun
}

// Credential is what a request was authenticated with.
type Credential string

const (
	CredentialNone     Credential = ""          // nothing: the endpoint takes none
	CredentialToken    Credential = "token"     // Authorization: Bearer
	CredentialClientID Credential = "client_id" // the client_id query parameter
)

// APIError is an error answer from the API, decoded from either of its
// error body shapes.
type APIError struct {
	Status     int
	Path       string
	Messages   []string      // v1 strings, or v2 titles and details
	Scope      string        // the scope the API says is missing, when it says
	RetryAfter time.Duration // from Retry-After on a 429 or 503
	// Sent is the credential the request was made with (or lacked: a token
	// endpoint called without a token is still a token request). It tells a
	// rejected token from a rejected client_id.
	Sent Credential
}

func (e *APIError) Error() string {
	msg := strings.Join(e.Messages, "; ")
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s answered %d: %s", e.Path, e.Status, msg)
}

// Is makes errors.Is(err, ErrTokenRejected) true for rejected tokens and
// errors.Is(err, ErrClientIDRejected) for a rejected client_id.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrTokenRejected:
		return e.Sent != CredentialClientID && e.authRefused()
	case ErrClientIDRejected:
		return e.Sent == CredentialClientID && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden && e.Scope == "")
	}
	return false
}

func (e *APIError) authRefused() bool {
	if e.Status == http.StatusUnauthorized {
		return true
	}
	if e.Status == http.StatusForbidden && e.Scope == "" {
		for _, m := range e.Messages {
			if strings.Contains(strings.ToLower(m), "invalid authentication") {
				return true
			}
		}
	}
	return false
}

// retryable reports whether a GET that got this answer may be tried again
// after a pause: a server fault or an overloaded gateway.
func (e *APIError) retryable() bool {
	switch e.Status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// NetworkError means the API could not be reached at all, or did not answer
// in time.
type NetworkError struct {
	Host string
	Err  error
}

func (e *NetworkError) Error() string { return fmt.Sprintf("could not reach %s: %v", e.Host, e.Err) }
func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the API did not answer in time.
func (e *NetworkError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// GaveUpError is the last failure of a GET that was tried Tries times
// because the API kept failing (5xx) or not answering in time.
type GaveUpError struct {
	Tries int
	Err   error // the last *APIError or *NetworkError
}

func (e *GaveUpError) Error() string {
	return fmt.Sprintf("gave up after %d tries: %v", e.Tries, e.Err)
}
func (e *GaveUpError) Unwrap() error { return e.Err }

// ParamError means a list needs a query parameter that was not given, such
// as the app of v2/actions.
type ParamError struct {
	Endpoint string // its ID, such as "v2/actions"
	Param    string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s needs the %s parameter", e.Endpoint, e.Param)
}

// ScopeError means the token was not granted a scope an endpoint needs. It
// comes from [Endpoint.Check], before any call; the API's own answer is an
// *APIError with Scope set.
type ScopeError struct {
	Endpoint string
	Scope    string // the scope to ask for
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("%s needs the %q scope, which the token was not granted", e.Endpoint, e.Scope)
}

// BadResponseError is a successful answer the client cannot read.
type BadResponseError struct {
	Path   string
	Reason string
}

func (e *BadResponseError) Error() string {
	return fmt.Sprintf("%s sent an answer Partnerdesk cannot read: %s", e.Path, e.Reason)
}

func newAPIError(resp *http.Response, path string, body []byte, sent Credential, now time.Time) *APIError {
	e := &APIError{Status: resp.StatusCode, Path: path, Sent: sent}
	e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	e.Messages, e.Scope = decodeErrors(body)
	if resp.StatusCode == http.StatusForbidden {
		if m := headerScope.FindStringSubmatch(resp.Header.Get("WWW-Authenticate")); m != nil {
			// RFC 6750 lists the scopes needed, space separated; the first
			// is the one to ask for.
			if f := strings.Fields(m[1]); len(f) > 0 {
				e.Scope = f[0]
			}
		}
	}
	return e
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(s string, now time.Time) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(s); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(s); err == nil {
		return max(0, t.Sub(now)).Round(time.Second), true
	}
	return 0, false
}

// decodeErrors reads {"errors": ["..."]} (v1) or JSON:API error objects
// {"errors": [{"title", "detail", "meta": {"scope"}}]} (v2).
func decodeErrors(body []byte) (messages []string, scope string) {
	var raw struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &raw) != nil {
		return nil, ""
	}
	for _, item := range raw.Errors {
		var s string
		if json.Unmarshal(item, &s) == nil {
			messages = append(messages, s)
			continue
		}
		var obj struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
			Meta   struct {
				Scope string `json:"scope"`
			} `json:"meta"`
		}
		if json.Unmarshal(item, &obj) == nil {
			for _, m := range []string{obj.Title, obj.Detail} {
				if m != "" {
					messages = append(messages, m)
				}
			}
			if obj.Meta.Scope != "" {
				scope = obj.Meta.Scope
			}
		}
	}
	if scope == "" {
		scope = scopeFromMessages(messages)
	}
	return messages, scope
}

// quotedScope finds a scope named in a message, such as `this endpoint
// requires the "zap" OAuth scope`; with several ("zap" or "zap:all"), the
// first.
var quotedScope = regexp.MustCompile(`(?i)"([a-z][a-z:_]*)"(?:\s+or\s+"[a-z][a-z:_]*")*\s+(?:oauth\s+)?scope`)

// headerScope reads the scope of an RFC 6750 insufficient_scope challenge.
var headerScope = regexp.MustCompile(`scope="([^"]+)"`)

func scopeFromMessages(messages []string) string {
	for _, m := range messages {
		if match := quotedScope.FindStringSubmatch(m); match != nil {
			return match[1]
		}
	}
	return ""
}
