package oauth

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Token is what a sign-in or a refresh gives. It never shows its secrets:
// String, GoString, Format (every fmt verb) and LogValue give a redacted
// summary, and MarshalJSON, MarshalText and GobEncode refuse, so the token
// cannot end up in a log or a file by accident. Only AccessToken itself holds
// the secret, and RefreshToken the other. (fmt cannot be stopped from printing a Token held in an
// unexported struct field; do not keep one there.)
type Token struct {
	AccessToken string        // the secret
	TokenType   string        // as received, e.g. "Bearer"
	ExpiresIn   time.Duration // 0 when the provider sent none
	Scopes      []string      // granted; the requested ones when the provider sent no scope
	// RefreshToken, a secret too, renews the access token without a window:
	// the code grant's token endpoint gives one; the implicit grant never.
	RefreshToken string
}

// errNoSerialize is returned by every marshalling method of Token.
var errNoSerialize = errors.New("An access token is never written out as text or data; keep it in the keychain.")

// String returns a redacted summary such as
// "Bearer token (40 chars, scope zap profile, expires in 10h0m0s)", which
// ends with ", renewable" when a refresh token comes with it.
func (t Token) String() string {
	if t.AccessToken == "" {
		return "no token"
	}
	var b strings.Builder
	b.WriteString(t.typeName())
	b.WriteString(" token (")
	b.WriteString(strconv.Itoa(len(t.AccessToken)))
	b.WriteString(" chars, ")
	if s := t.scopeText(); s != "" {
		b.WriteString("scope ")
		b.WriteString(s)
	} else {
		b.WriteString("no scope")
	}
	if t.ExpiresIn > 0 {
		b.WriteString(", expires in ")
		b.WriteString(t.ExpiresIn.String())
	}
	if t.RefreshToken != "" {
		b.WriteString(", renewable")
	}
	b.WriteString(")")
	return b.String()
}

// GoString returns a redacted Go-syntax form, used by %#v.
func (t Token) GoString() string {
	scopes := "nil"
	if s := t.safeScopes(); s != nil {
		q := make([]string, len(s))
		for i, v := range s {
			q[i] = strconv.Quote(v)
		}
		scopes = "[]string{" + strings.Join(q, ", ") + "}"
	}
	refresh := ""
	if t.RefreshToken != "" {
		refresh = fmt.Sprintf(", RefreshToken: \"[redacted, %d chars]\"", len(t.RefreshToken))
	}
	return fmt.Sprintf("oauth.Token{AccessToken: \"[redacted, %d chars]\", TokenType: %q, ExpiresIn: %d, Scopes: %s%s}",
		len(t.AccessToken), t.typeName(), int64(t.ExpiresIn), scopes, refresh)
}

// Format makes every fmt verb print the redacted form: %#v uses GoString,
// all others String.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, t.GoString())
		return
	}
	io.WriteString(f, t.String())
}

// LogValue gives log/slog a redacted group: type, chars, scope, expires_in,
// and renewable when a refresh token comes with it.
func (t Token) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("type", t.typeName()),
		slog.Int("chars", len(t.AccessToken)),
		slog.String("scope", t.scopeText()),
		slog.Duration("expires_in", t.ExpiresIn),
	}
	if t.RefreshToken != "" {
		attrs = append(attrs, slog.Bool("renewable", true))
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON refuses: a Token is not meant to be written as JSON.
func (t Token) MarshalJSON() ([]byte, error) { return nil, errNoSerialize }

// MarshalText refuses, which also keeps the token out of encoding/xml.
func (t Token) MarshalText() ([]byte, error) { return nil, errNoSerialize }

// GobEncode refuses: a Token is not meant to be written with encoding/gob.
func (t Token) GobEncode() ([]byte, error) { return nil, errNoSerialize }

// typeName returns TokenType when it is a short word, otherwise a placeholder,
// so a hand-built Token cannot smuggle text into the summary.
func (t Token) typeName() string {
	if t.TokenType == "" {
		return "untyped"
	}
	if len(t.TokenType) > 20 {
		return "unknown-type"
	}
	for i := 0; i < len(t.TokenType); i++ {
		c := t.TokenType[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "unknown-type"
		}
	}
	return t.TokenType
}

func (t Token) safeScopes() []string {
	if t.Scopes == nil {
		return nil
	}
	out := make([]string, 0, len(t.Scopes))
	for _, s := range t.Scopes {
		if s = sanitizeText(s, 64); s != "" && s != t.AccessToken && s != t.RefreshToken {
			out = append(out, s)
		}
	}
	return out
}

func (t Token) scopeText() string {
	return strings.Join(t.safeScopes(), " ")
}
