package oauth

import (
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// fuzzState is the state value FuzzParseRedirect's replies must carry.
const fuzzState = "fuzz-state-7f3a"

func FuzzParseRedirect(f *testing.F) {
	for _, s := range []string{
		cb + "#access_token=tok123&token_type=Bearer&expires_in=36000&scope=zap&state=" + fuzzState,
		cb + "?error=access_denied&state=" + fuzzState,
		cb + "?state=" + fuzzState + "#access_token=a%2Bb&token_type=bearer&scope=zap+profile",
		"http://your.redirect.url/#access_token=iuqhw8egojqenduvybtoken_type=Bearer&expires_in=36000&scope=zap",
		cb + "#access_token=x&access_token=y&token_type=Bearer&state=" + fuzzState,
		cb + "?access_token=x#access_token=y&token_type=Bearer&state=" + fuzzState,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		st := testState(fuzzState)
		tok, err := ParseRedirect(raw, st, []string{"zap"})
		if st.Check(fuzzState) != ErrStateUsed {
			t.Fatal("ParseRedirect left the state usable")
		}
		if err != nil {
			if tok.AccessToken != "" || tok.TokenType != "" || tok.ExpiresIn != 0 || tok.Scopes != nil {
				t.Fatalf("an error (%v) came with a token", err)
			}
			if err.Error() == "" {
				t.Fatal("an error with no message")
			}
			var pe *ProviderError
			if errors.As(err, &pe) && errors.Is(err, ErrDeclined) != (pe.Code == "access_denied") {
				t.Fatalf("ErrDeclined match wrong for code %q", pe.Code)
			}
			return
		}

		// The token is non-empty printable ASCII without white space.
		if tok.AccessToken == "" || len(tok.AccessToken) > maxTokenLen {
			t.Fatalf("token of length %d", len(tok.AccessToken))
		}
		for _, r := range tok.AccessToken {
			if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) {
				t.Fatalf("token holds %q", r)
			}
		}
		if !strings.EqualFold(tok.TokenType, "Bearer") {
			t.Fatalf("token type %q", tok.TokenType)
		}
		if tok.ExpiresIn < 0 {
			t.Fatalf("negative expiry %v", tok.ExpiresIn)
		}

		// Independent check with the standard parser: the reply carried our
		// state, no other, and this very token.
		rest, fragment, _ := strings.Cut(raw, "#")
		_, query, _ := strings.Cut(rest, "?")
		q, err1 := url.ParseQuery(query)
		fr, err2 := url.ParseQuery(fragment)
		if err1 != nil || err2 != nil {
			t.Fatalf("accepted a reply url.ParseQuery rejects: %v, %v", err1, err2)
		}
		states := append(q["state"], fr["state"]...)
		if len(states) == 0 {
			t.Fatal("accepted a reply without state")
		}
		for _, s := range states {
			if s != fuzzState {
				t.Fatalf("accepted a reply with state %q", s)
			}
		}
		tokens := append(q["access_token"], fr["access_token"]...)
		if len(tokens) == 0 {
			t.Fatal("accepted a reply without access_token")
		}
		for _, v := range tokens {
			if v != tok.AccessToken {
				t.Fatal("returned a token that differs from one in the reply")
			}
		}
		if len(q["error"])+len(fr["error"]) > 0 {
			t.Fatal("returned a token for a reply with an error")
		}
		if len(q["access_token"]) > 0 {
			t.Fatal("returned a token from the query: the token comes only in the fragment")
		}
		for name := range replyParams {
			if q.Has(name) {
				t.Fatalf("returned a token from a reply split between query (%s) and fragment", name)
			}
		}
	})
}

func FuzzMatcher(f *testing.F) {
	for _, p := range [][2]string{
		{"https://partner.invalid/oauth/callback", "https://partner.invalid/oauth/callback#access_token=x"},
		{"https://partner.invalid/oauth/callback", "HTTPS://PARTNER.invalid:443/oauth/%63allback?error=access_denied"},
		{"https://partner.invalid/oauth/callback", "https://partner.invalid.evil.test/oauth/callback"},
		{"https://partner.invalid/oauth/callback", "https://user@partner.invalid/oauth/callback"},
		{"http://127.0.0.1:47401/cb", "http://127.0.0.1:047401/cb"},
		{"http://[::1]:8080/a%2fb", "http://[0::1]:8080/a%2Fb"},
		{"https://xn--bcher-kva.example", "https://bücher.example/"},
		{"https://partner.invalid/a/b", "https://partner.invalid/a/x/%2e%2e/b"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, registered, target string) {
		validErr := ValidateRedirectURI(registered)
		m, err := NewMatcher(registered)
		if err != nil {
			if validErr == nil {
				t.Fatalf("ValidateRedirectURI accepts %q but NewMatcher refuses it: %v", registered, err)
			}
			return
		}
		if !m.Match(registered) {
			t.Fatalf("registered address %q does not match itself", registered)
		}
		if !m.Match(target) {
			return
		}

		// Independent check with the standard parser.
		r := mustParseBase(t, registered)
		u := mustParseBase(t, target)
		if u.User != nil || u.Opaque != "" {
			t.Fatalf("matched %q, which has user info or is opaque", target)
		}
		if !strings.EqualFold(r.Scheme, u.Scheme) {
			t.Fatalf("matched scheme %q against %q", u.Scheme, r.Scheme)
		}
		if !sameHost(r.Hostname(), u.Hostname()) {
			t.Fatalf("matched host %q against %q", u.Hostname(), r.Hostname())
		}
		if portOf(t, r) != portOf(t, u) {
			t.Fatalf("matched port %q against %q", u.Port(), r.Port())
		}
		if pathOf(r) != pathOf(u) {
			t.Fatalf("matched path %q against %q", u.Path, r.Path)
		}
	})
}

// mustParseBase parses an address without its query and fragment.
func mustParseBase(t *testing.T, s string) *url.URL {
	t.Helper()
	s, _, _ = strings.Cut(s, "#")
	s, _, _ = strings.Cut(s, "?")
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("matched %q, which url.Parse rejects: %v", s, err)
	}
	return u
}

func sameHost(a, b string) bool {
	if x, err := netip.ParseAddr(a); err == nil {
		y, err := netip.ParseAddr(b)
		return err == nil && x == y
	}
	return strings.EqualFold(a, b)
}

func portOf(t *testing.T, u *url.URL) int {
	t.Helper()
	if u.Port() == "" {
		if strings.EqualFold(u.Scheme, "https") {
			return 443
		}
		return 80
	}
	n, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("matched port %q", u.Port())
	}
	return n
}

func pathOf(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	return u.Path
}
