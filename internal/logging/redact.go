package logging

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces every secret the handler removes.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest value AddSecret accepts: shorter ones would
// cut ordinary words out of the log and protect nothing.
const minSecretLen = 6

// Secrets is a set of exact values (the tokens the app currently holds) that
// Redact removes wherever they appear: as they are, percent-encoded (query
// and path escaping) and base64-encoded (standard and URL alphabets, padded
// and not). It is safe for concurrent use; the zero value is empty.
type Secrets struct {
	mu    sync.RWMutex
	forms map[string][]string // secret -> the strings to cut out
}

// Add registers a secret. Values shorter than six bytes are ignored.
func (s *Secrets) Add(secret string) {
	if len(secret) < minSecretLen {
		return
	}
	forms := []string{secret}
	for _, f := range []string{
		url.QueryEscape(secret),
		url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawStdEncoding.EncodeToString([]byte(secret)),
		base64.URLEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
	} {
		if f != secret {
			forms = append(forms, f)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forms == nil {
		s.forms = map[string][]string{}
	}
	s.forms[secret] = forms
}

// Remove forgets a secret, e.g. after the operator signed out.
func (s *Secrets) Remove(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.forms, secret)
}

// scrub cuts every registered secret, in every form, out of text.
func (s *Secrets) scrub(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, forms := range s.forms {
		for _, f := range forms {
			if strings.Contains(text, f) {
				text = strings.ReplaceAll(text, f, Redacted)
			}
		}
	}
	return text
}

// secretName matches parameter, header and attribute names whose value is a
// secret: access_token, refresh_token, token, client_secret, password,
// Authorization, Cookie, api_key, ... but not token_type or tokens.
const secretName = `[A-Za-z0-9_.\-]*(?:token|secret|password|passwd|api[_\-]?key)`

var patterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// access_token=... in a query, fragment or form body, also with the '='
	// percent-encoded (an address inside another address's parameter).
	{regexp.MustCompile(`(?i)(` + secretName + `)(=|%3D)([^&#\s"'<>;,]+)`), "${1}${2}" + Redacted},
	// An authorization code and its PKCE verifier, in a redirect's query, a
	// token request's form body, or either percent-encoded inside another
	// address: single-use and short-lived, but with the verifier a code is a
	// token. Only as a parameter (after ?, & or #, or starting a body), so a
	// status_code or a zipcode stays readable.
	{regexp.MustCompile(`(?i)(^|[?&#]|%3F|%26|%23)(code|code_verifier)(=|%3D)([^&#\s"'<>;,%]+)`), "${1}${2}${3}" + Redacted},
	// "access_token": "..." in JSON.
	{regexp.MustCompile(`(?i)("` + secretName + `"\s*:\s*")(?:[^"\\]|\\.)*(")`), "${1}" + Redacted + "${2}"},
	// An Authorization header written out: "Authorization: Bearer x", also
	// as Go prints an http.Header ("Authorization:[Bearer x]").
	{regexp.MustCompile(`(?i)\b((?:proxy-)?authorization)(\s*[:=]\s*)["\[]?(?:[A-Za-z]+\s+)?[A-Za-z0-9\-._~+/=%]{8,}`), "${1}${2}" + Redacted},
	// A Cookie or Set-Cookie header: the rest of the line.
	{regexp.MustCompile(`(?i)\b((?:set-)?cookie)(\s*:\s*)[^\r\n]+`), "${1}${2}" + Redacted},
	// "Bearer x" or "Basic x" anywhere. Eight characters at least, so that
	// "a Bearer token" in a sentence is left alone; real tokens are longer.
	{regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[A-Za-z0-9\-._~+/]{8,}=*`), "${1}${2}" + Redacted},
}

// Redact returns text without anything token-like: the registered secrets
// in all their forms, the values of secret-named parameters
// (access_token=..., "client_secret": "..."), Authorization and Cookie
// headers, and Bearer/Basic credentials.
func (s *Secrets) Redact(text string) string {
	if text == "" {
		return text
	}
	text = s.scrub(text)
	for _, p := range patterns {
		text = p.re.ReplaceAllString(text, p.repl)
	}
	return text
}

// sensitiveKey matches attribute keys whose whole value is removed, whatever
// it looks like.
var sensitiveKey = regexp.MustCompile(`(?i)(?:token|secret|password|passwd|authorization|cookie|api[_\-]?key|bearer|credentials?)$`)

// Handler is a slog.Handler that redacts every record before passing it on:
// the message, and every attribute, those added with WithAttrs included.
// Attributes whose key names a secret (token, access_token, authorization,
// password, cookie, ...) lose their value entirely; every other string, and
// the text of errors, Stringers and other values, goes through Redact.
// Groups are redacted member by member, so a LogValuer such as oauth.Token
// keeps its harmless summary.
//
// Attributes bound with WithAttrs are redacted again at each record, so a
// secret registered after they were bound is still removed.
type Handler struct {
	inner   slog.Handler
	secrets *Secrets
	ops     []op // WithGroup and WithAttrs calls, in order
}

type op struct {
	group string
	attrs []slog.Attr
}

// NewHandler wraps inner. secrets may be nil for patterns only.
func NewHandler(inner slog.Handler, secrets *Secrets) *Handler {
	if secrets == nil {
		secrets = &Secrets{}
	}
	return &Handler{inner: inner, secrets: secrets}
}

// Enabled reports whether the wrapped handler takes records of this level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle redacts r and passes it on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	inner := h.inner
	for _, o := range h.ops {
		if o.attrs == nil {
			inner = inner.WithGroup(o.group)
		} else {
			inner = inner.WithAttrs(h.redactAll(o.attrs))
		}
	}
	out := slog.NewRecord(r.Time, r.Level, h.secrets.Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.redact(a))
		return true
	})
	return inner.Handle(ctx, out)
}

// WithAttrs returns a handler that adds attrs, redacted, to every record.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	return h.with(op{attrs: append([]slog.Attr{}, attrs...)})
}

// WithGroup returns a handler that puts later attributes in a group.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.with(op{group: name})
}

func (h *Handler) with(o op) *Handler {
	ops := append(append([]op{}, h.ops...), o)
	return &Handler{inner: h.inner, secrets: h.secrets, ops: ops}
}

func (h *Handler) redactAll(attrs []slog.Attr) []slog.Attr {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = h.redact(a)
	}
	return out
}

func (h *Handler) redact(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(h.redactAll(v.Group())...)}
	}
	if sensitiveKey.MatchString(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.secrets.Redact(v.String()))
	case slog.KindAny:
		var text string
		switch x := v.Any().(type) {
		case error:
			text = x.Error()
		case fmt.Stringer:
			text = x.String()
		case []byte:
			text = string(x)
		default:
			text = fmt.Sprintf("%+v", x)
		}
		return slog.String(a.Key, h.secrets.Redact(text))
	}
	return slog.Attr{Key: a.Key, Value: v} // numbers, booleans, times, durations
}
