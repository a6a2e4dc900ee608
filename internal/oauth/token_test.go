package oauth

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func sampleToken() Token {
	return Token{AccessToken: secret, TokenType: "Bearer", ExpiresIn: 10 * time.Hour, Scopes: []string{"zap", "profile"}}
}

func TestTokenSummaryIsRedacted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tok  Token
		want string
	}{
		{"a full token shows type, length, scope and expiry", sampleToken(), "Bearer token (40 chars, scope zap profile, expires in 10h0m0s)"},
		{"a token without expiry or scope says so", Token{AccessToken: "abc", TokenType: "bearer"}, "bearer token (3 chars, no scope)"},
		{"an empty token says there is none", Token{}, "no token"},
		{"an odd token type is not echoed", Token{AccessToken: "abc", TokenType: "Bearer x"}, "unknown-type token (3 chars, no scope)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.tok.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	const wantGo = `oauth.Token{AccessToken: "[redacted, 40 chars]", TokenType: "Bearer", ExpiresIn: 36000000000000, Scopes: []string{"zap", "profile"}}`
	if got := sampleToken().GoString(); got != wantGo {
		t.Errorf("GoString() = %s, want %s", got, wantGo)
	}
}

func TestNoOutputEverContainsTheToken(t *testing.T) {
	t.Parallel()
	tok := sampleToken()
	type holder struct{ T Token }
	values := map[string]any{
		"value":       tok,
		"pointer":     &tok,
		"slice":       []Token{tok},
		"map":         map[string]Token{"k": tok},
		"struct":      holder{tok},
		"ptrtostruct": &holder{tok},
	}
	var outputs []string
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T"} {
			outputs = append(outputs, name+" "+verb+": "+fmt.Sprintf(verb, v))
		}
		outputs = append(outputs, name+" Sprint: "+fmt.Sprint(v), name+" Sprintln: "+fmt.Sprintln(v))
	}

	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		l := slog.New(h)
		l.Info("signed in", "token", tok, "ptr", &tok, "holder", holder{tok}, "list", []Token{tok})
		l.Info("signed in", slog.Any("token", tok), slog.Group("g", "token", tok))
		l.With("token", tok).Info("with")
	}
	outputs = append(outputs, logs.String())
	if !strings.Contains(logs.String(), "chars=40") || !strings.Contains(logs.String(), `"chars":40`) {
		t.Errorf("logs do not show the redacted summary:\n%s", logs.String())
	}

	for _, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("output contains the token: %s", out)
		}
	}
}

func TestTokenRefusesToBeSerialized(t *testing.T) {
	t.Parallel()
	tok := sampleToken()
	check := func(what string, out []byte, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s succeeded: %s", what, out)
		}
		if bytes.Contains(out, []byte(secret)) || (err != nil && strings.Contains(err.Error(), secret)) {
			t.Errorf("%s leaked the token", what)
		}
	}
	out, err := json.Marshal(tok)
	check("json.Marshal(token)", out, err)
	out, err = json.Marshal(struct{ T Token }{tok})
	check("json.Marshal(struct with token)", out, err)
	out, err = json.Marshal(map[string]*Token{"t": &tok})
	check("json.Marshal(map with token pointer)", out, err)
	type holder struct{ T Token } // named: encoding/xml refuses anonymous structs
	out, err = xml.Marshal(holder{tok})
	check("xml.Marshal(struct with token)", out, err)
	out, err = tok.MarshalText()
	check("MarshalText", out, err)
	var buf bytes.Buffer
	err = gob.NewEncoder(&buf).Encode(tok)
	check("gob encoding", buf.Bytes(), err)
}

func TestNoErrorMessageContainsTheToken(t *testing.T) {
	t.Parallel()
	urls := []string{
		cb + "#access_token=" + secret + "&token_type=mac&state=S",
		cb + "#access_token=" + secret + "&state=S",
		cb + "#access_token=" + secret + "&token_type=Bearer&state=T",
		cb + "#access_token=" + secret + "&token_type=Bearer",
		cb + "#access_token=" + secret + "&access_token=" + secret + "x&token_type=Bearer&state=S",
		cb + "?access_token=" + secret + "#access_token=x&token_type=Bearer&state=S",
		cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=-1&state=S",
		cb + "#access_token=" + secret + "%20&token_type=Bearer&state=S",
		cb + "#access_token=" + secret + "&token_type=Bearer&scope=%00&state=S",
		cb + "#access_token=" + secret + "&token_type=Bearer&state=S;x",
		cb + "#access_token=" + secret + "&error=" + secret + "&error_description=token+" + secret + "&error_uri=https%3A%2F%2Fe.test%2F" + secret + "&state=S",
		cb + "#access_token=" + secret + "&token_type=" + secret + "&state=S",
		"http://[" + secret + "#state=S",
	}
	for _, u := range urls {
		_, err := ParseRedirect(u, testState("S"), nil)
		if err == nil {
			t.Errorf("ParseRedirect(%q) passed, want an error", u)
			continue
		}
		for _, msg := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(msg, secret) {
				t.Errorf("error for %q contains the token: %s", u, msg)
			}
		}
		var pe *ProviderError
		if errors.As(err, &pe) && (strings.Contains(pe.Code, secret) || strings.Contains(pe.Description, secret) || strings.Contains(pe.URI, secret)) {
			t.Errorf("ProviderError fields contain the token: %+v", *pe)
		}
	}
}
