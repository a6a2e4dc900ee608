package logging

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/adrg/xdg"
)

func reloadXDG() { xdg.Reload() }

// FuzzRedact checks that a registered token never survives redaction, in any
// of the forms Secrets covers, wherever it sits in a record, and that
// Redact never panics.
func FuzzRedact(f *testing.F) {
	f.Add("zpk_9f8e7d6c5b4a39281706", "caught https://p/cb#access_token=", "&token_type=Bearer")
	f.Add("tok/with+odd=chars~", `{"x": "`, `"}`)
	f.Add("aaaaaaaa", "aaaa", "aaaa")
	f.Add("Bearer", "Authorization: ", "")
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string) {
		s := &Secrets{}
		s.Add(secret)
		_ = s.Redact(prefix + suffix) // must not panic
		if len(secret) < minSecretLen {
			return
		}
		forms := []string{
			secret,
			url.QueryEscape(secret),
			url.PathEscape(secret),
			base64.StdEncoding.EncodeToString([]byte(secret)),
			base64.RawURLEncoding.EncodeToString([]byte(secret)),
		}
		for _, form := range forms {
			// Redacted's own text can complete a secret made of its letters
			// and brackets ("EDACTED", "D]abc"): no token looks like that.
			if strings.ContainsAny(form, "[]") || strings.Contains(Redacted, form) {
				return
			}
		}
		for _, form := range forms {
			out := s.Redact(prefix + form + suffix)
			for _, g := range forms {
				if strings.Contains(out, g) {
					t.Fatalf("Redact(%q) = %q still holds %q", prefix+form+suffix, out, g)
				}
			}
		}
		// Through the handler, in the message and in an attribute, as the
		// handler passes them on (before any quoting of the output format).
		var got capture
		slog.New(NewHandler(&got, s)).With("w", prefix+secret).Info(prefix+secret, "v", suffix+secret+prefix)
		for _, text := range got.texts {
			if strings.Contains(text, secret) {
				t.Fatalf("the handler passed on %q", text)
			}
		}
	})
}

// capture is a slog.Handler that keeps the message and string values it is
// handed.
type capture struct {
	texts []string
	attrs []slog.Attr
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.texts = append(c.texts, r.Message)
	add := func(a slog.Attr) bool {
		c.texts = append(c.texts, a.Value.String())
		return true
	}
	for _, a := range c.attrs {
		add(a)
	}
	r.Attrs(add)
	return nil
}

func (c *capture) WithAttrs(as []slog.Attr) slog.Handler {
	c.attrs = append(c.attrs, as...)
	return c
}

func (c *capture) WithGroup(string) slog.Handler { return c }
