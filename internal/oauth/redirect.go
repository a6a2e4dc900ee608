package oauth

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	maxRedirectLen   = 32 << 10 // longest redirect address read at all
	maxParams        = 1000     // most &-separated parts in the query or fragment
	maxTokenLen      = 4096     // longest access token accepted
	maxExpiresIn     = 365 * 24 * time.Hour
	maxExpiresDigits = 12
)

// replyParams are the parameters ParseRedirect reads; all others are ignored.
var replyParams = map[string]string{
	"access_token":      "the access token",
	"token_type":        "the token type",
	"expires_in":        "the expiry time",
	"scope":             "the granted scopes",
	"state":             "the security code",
	"error":             "the error code",
	"error_description": "the error description",
	"error_uri":         "the error link",
}

// ParseRedirect reads the address the provider redirected to and returns the
// token it carries, or why there is none. It does not check that the address
// is the registered redirect_uri: that is Matcher's job.
//
// It reads the reply from the query or from the fragment, never from both:
// Zapier sends a token in the fragment and a denial in the query, and RFC
// 6749 4.2.2.1 errors may come in either. A token comes only in the
// fragment (RFC 6749 4.2.2): one in the query has passed through servers
// and their logs, and is ErrMalformed. Reply parameters in both parts (a
// state in the query and a token in the fragment, say) make the reply
// ErrMalformed: a part the provider did not write could otherwise lend the
// other its state, or its token. Both parts are form-encoded, so '+' means
// a space (a token containing a raw '+' is therefore rejected; providers
// send %2B). A parameter repeated in one part makes the reply ErrMalformed;
// so does ';' between parts, as in url.ParseQuery.
//
// Then, in this order:
//   - the state parameter must pass state.Check, also for error replies.
//     ParseRedirect consumes the state on every call, even for an address it
//     cannot read: one sign-in attempt accepts exactly one reply.
//   - an error parameter gives a *ProviderError (access_denied matches
//     ErrDeclined), even when a token is present too.
//   - access_token must be present and non-empty (ErrNoToken).
//   - token_type must be present and Bearer, in any case (ErrTokenType).
//   - access_token must be at most 4096 bytes of printable ASCII without
//     spaces (ErrMalformed).
//   - expires_in, if present, must be a whole number of seconds from 1 to one
//     year (ErrMalformed).
//   - scope, if present, is split on spaces and commas (Zapier separates with
//     spaces; some providers answer with commas, and no Partner API scope
//     holds a comma); an empty scope means none granted. Without scope the
//     requested scopes are assumed.
//
// The published example with its typo,
// "#access_token=iuqhw8egojqenduvybtoken_type=Bearer&...", has no token_type
// parameter (the access token swallowed it) and yields ErrTokenType, never a
// token; without a state it fails the state check first.
func ParseRedirect(redirectURL string, state *State, requestedScopes []string) (Token, error) {
	p, err := readReply(redirectURL)
	if err != nil {
		state.burn()
		return Token{}, err
	}
	if err := state.Check(p["state"]); err != nil {
		return Token{}, err
	}
	if code, ok := p["error"]; ok {
		return Token{}, newProviderError(code, p["error_description"], p["error_uri"], p["access_token"])
	}

	access := p["access_token"]
	if access == "" {
		return Token{}, ErrNoToken
	}
	tokenType, ok := p["token_type"]
	if !ok || !strings.EqualFold(tokenType, "bearer") {
		return Token{}, ErrTokenType
	}
	if len(access) > maxTokenLen {
		return Token{}, malformed("the access token is longer than 4096 characters")
	}
	if !printableNoSpace(access) {
		return Token{}, malformed("the access token contains spaces or invisible characters")
	}

	tok := Token{AccessToken: access, TokenType: tokenType}
	if v, ok := p["expires_in"]; ok {
		d, err := parseExpiresIn(v)
		if err != nil {
			return Token{}, err
		}
		tok.ExpiresIn = d
	}
	if v, ok := p["scope"]; ok {
		scopes, err := parseScope(v)
		if err != nil {
			return Token{}, err
		}
		tok.Scopes = scopes
	} else {
		tok.Scopes = normalizeScopes(requestedScopes)
	}
	return tok, nil
}

// readReply returns the known parameters of the query or the fragment,
// whichever holds them.
func readReply(raw string) (map[string]string, error) {
	q, f, err := splitReply(raw, replyParams)
	if err != nil {
		return nil, err
	}
	if _, ok := q["access_token"]; ok {
		return nil, malformed("it carries the access token after ?, where only errors may come")
	}
	if len(f) > 0 {
		return f, nil
	}
	return q, nil
}

// splitReply reads the known parameters of a redirect address's query and
// of its fragment, rules that hold for every grant: the address is short
// enough and parses, no parameter is given twice, and the answer is not
// split between the two parts (so at most one of q and f is not empty).
func splitReply(raw string, known map[string]string) (q, f map[string]string, err error) {
	if len(raw) > maxRedirectLen {
		return nil, nil, malformed("the address is too long")
	}
	if _, err := url.Parse(raw); err != nil {
		return nil, nil, malformed("it is not a valid web address")
	}
	rest, fragment, _ := strings.Cut(raw, "#")
	_, query, _ := strings.Cut(rest, "?")
	if q, err = readParams(query, known); err != nil {
		return nil, nil, err
	}
	if f, err = readParams(fragment, known); err != nil {
		return nil, nil, err
	}
	if len(q) > 0 && len(f) > 0 {
		return nil, nil, malformed("it splits its answer between the part after ? and the part after #")
	}
	return q, f, nil
}

// readParams parses one form-encoded part the way url.ParseQuery does, but
// fails on the first error and on a known parameter given twice. known maps
// the parameters to read to their names in operator words; others are
// ignored.
func readParams(s string, known map[string]string) (map[string]string, error) {
	out := make(map[string]string)
	if strings.Count(s, "&") >= maxParams {
		return nil, malformed("it has too many parts")
	}
	for s != "" {
		var seg string
		seg, s, _ = strings.Cut(s, "&")
		if seg == "" {
			continue
		}
		if strings.Contains(seg, ";") {
			return nil, malformed("it separates its parts with ';'")
		}
		k, v, _ := strings.Cut(seg, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, malformed("it contains a broken %-code")
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, malformed("it contains a broken %-code")
		}
		name, ok := known[key]
		if !ok {
			continue
		}
		if _, dup := out[key]; dup {
			return nil, malformed("it gives " + name + " twice")
		}
		out[key] = value
	}
	return out, nil
}

// parseExpiresIn accepts 1 to 31536000 written in decimal digits only.
func parseExpiresIn(v string) (time.Duration, error) {
	bad := malformed("the expiry time is not a number of seconds between 1 and one year")
	if v == "" || len(v) > maxExpiresDigits {
		return 0, bad
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, bad
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > int64(maxExpiresIn/time.Second) {
		return 0, bad
	}
	return time.Duration(n) * time.Second, nil
}

// parseScope splits on spaces and commas, dropping empty and repeated scopes.
// It returns a non-nil empty slice when no scope was granted.
func parseScope(v string) ([]string, error) {
	out := []string{}
	seen := make(map[string]bool)
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !printableNoSpace(s) {
			return nil, malformed("the granted scopes contain invisible or unexpected characters")
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// printableNoSpace reports whether s is printable ASCII without spaces
// (RFC 6749 VSCHAR minus the space).
func printableNoSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
