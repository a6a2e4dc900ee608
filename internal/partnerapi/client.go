// Package partnerapi is a client for the read endpoints of the Zapier Partner
// API. It knows how each endpoint authenticates and decodes both error body
// shapes the API uses, so callers can tell a rejected token from a missing
// scope or a server fault.
//
// It never logs or returns the token, and keeps no state between calls.
package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// DefaultBaseURL is the Partner API's production address.
const DefaultBaseURL = "https://api.zapier.com"

// maxBody caps what the client reads of one response, so a broken or hostile
// server cannot fill memory.
const maxBody = 16 << 20

// Client calls the Partner API at BaseURL.
type Client struct {
	BaseURL string       // "" means DefaultBaseURL
	Token   string       // bearer token for endpoints that need one
	HTTP    *http.Client // nil means a client with a 30 s time-out that honours proxy variables
}

var defaultHTTP = &http.Client{Timeout: 30 * time.Second}

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
	err := c.getJSON(ctx, "/v1/profiles/me", nil, &id)
	if err == nil && id.FullName == "" {
		id.FullName = strings.TrimSpace(id.First + " " + id.Last)
	}
	return id, err
}

func (c *Client) getJSON(ctx context.Context, path string, query url.Values, into any) error {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/") + path)
	if err != nil {
		return fmt.Errorf("the API address %q is not valid: %w", base, err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return &NetworkError{Host: u.Host, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return &NetworkError{Host: u.Host, Err: err}
	}
	if len(body) > maxBody {
		return &APIError{Status: resp.StatusCode, Path: path, Messages: []string{"the answer was too large to read"}}
	}
	if resp.StatusCode/100 != 2 {
		return newAPIError(resp, path, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return &APIError{Status: resp.StatusCode, Path: path, Messages: []string{"the answer was not valid JSON"}}
	}
	return nil
}

// ErrTokenRejected matches an *APIError that says the token no longer works:
// a 401, or a 403 "Invalid authentication". Sign in again to get a new one.
var ErrTokenRejected = errors.New("the token was rejected")

// APIError is an error answer from the API, decoded from either of its
// error body shapes.
type APIError struct {
	Status     int
	Path       string
	Messages   []string      // v1 strings, or v2 titles and details
	Scope      string        // the scope the API says is missing, when it says
	RetryAfter time.Duration // from Retry-After on a 429 or 503
}

func (e *APIError) Error() string {
	msg := strings.Join(e.Messages, "; ")
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s answered %d: %s", e.Path, e.Status, msg)
}

// Is makes errors.Is(err, ErrTokenRejected) true for rejected tokens.
func (e *APIError) Is(target error) bool {
	if target != ErrTokenRejected {
		return false
	}
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

// NetworkError means the API could not be reached at all.
type NetworkError struct {
	Host string
	Err  error
}

func (e *NetworkError) Error() string { return fmt.Sprintf("could not reach %s: %v", e.Host, e.Err) }
func (e *NetworkError) Unwrap() error { return e.Err }

func newAPIError(resp *http.Response, path string, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, Path: path}
	if s := resp.Header.Get("Retry-After"); s != "" {
		var secs int
		if _, err := fmt.Sscanf(s, "%d", &secs); err == nil && secs >= 0 {
			e.RetryAfter = time.Duration(secs) * time.Second
		}
	}
	e.Messages, e.Scope = decodeErrors(body)
	if m := headerScope.FindStringSubmatch(resp.Header.Get("WWW-Authenticate")); m != nil && resp.StatusCode == http.StatusForbidden {
		e.Scope = m[1]
	}
	return e
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
// requires the "zap" OAuth scope`.
var quotedScope = regexp.MustCompile(`(?i)"([a-z][a-z:_]*)"\s+(?:oauth\s+)?scope`)

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
