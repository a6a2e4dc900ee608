package oauth

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors returned by State.Check and ParseRedirect, for errors.Is. Their
// messages are written for the operator.
var (
	// ErrStateMissing: the reply carried no state, so nothing ties it to the
	// sign-in this app started.
	ErrStateMissing = errors.New("The sign-in reply did not carry this app's security code, so it was not trusted. Please sign in again.")
	// ErrStateMismatch: the reply's state is not this attempt's.
	ErrStateMismatch = errors.New("The sign-in reply does not belong to the sign-in this app started, so it was not trusted. Please sign in again.")
	// ErrStateUsed: this attempt's state was already checked once.
	ErrStateUsed = errors.New("This sign-in was already finished; its reply is accepted only once. Please sign in again.")
	// ErrNoToken: the reply carried neither a token nor an error.
	ErrNoToken = errors.New("The sign-in finished without giving this app an access token. Please sign in again.")
	// ErrTokenType: token_type is missing or is not Bearer.
	ErrTokenType = errors.New("The sign-in reply did not say it carries a Bearer token, the only kind this app can use.")
	// ErrMalformed: the reply could not be read: an unparsable address, a
	// repeated or conflicting parameter, a bad expires_in, or a token that is
	// too long or holds spaces or invisible characters. The wrapping error
	// says which, without quoting any value.
	ErrMalformed = errors.New("The sign-in reply could not be read.")
	// ErrDeclined: the operator declined access. A *ProviderError with code
	// access_denied matches it.
	ErrDeclined = errors.New("You declined access on the sign-in page.")
	// ErrNotRedirectURI: an address offered as the reply (pasted by the
	// operator) is not the registered redirect_uri, so it cannot be one.
	ErrNotRedirectURI = errors.New("That address is not the profile's registered redirect URI: copy the whole address from the browser's address bar once Zapier has sent you there.")
)

// malformed wraps ErrMalformed with what is wrong, in operator words. detail
// must never hold a value taken from the reply.
func malformed(detail string) error {
	return &detailError{base: ErrMalformed, detail: detail}
}

type detailError struct {
	base   error
	detail string
}

func (e *detailError) Error() string {
	return strings.TrimSuffix(e.base.Error(), ".") + ": " + e.detail + "."
}

func (e *detailError) Unwrap() error { return e.base }

// ProviderError is an error the provider sent back instead of a token
// (RFC 6749 section 4.2.2.1). ParseRedirect fills it with sanitized text:
// Description without control characters and at most maxDescription runes,
// URI only when it is an absolute http(s) address.
type ProviderError struct {
	Code        string // error, e.g. "access_denied"
	Description string // error_description, "" when none
	URI         string // error_uri, "" when none or not a web address

	codeGrant bool // the reply to a code-grant sign-in: some advice differs
}

const (
	maxCode        = 64
	maxDescription = 300
	maxErrorURI    = 2048
)

// Error says in operator words what went wrong and what to check, followed by
// the provider's own description, sanitized.
func (e *ProviderError) Error() string {
	var msg string
	switch e.Code {
	case "access_denied":
		msg = "You declined access on the sign-in page."
	case "invalid_request":
		msg = "The provider rejected the sign-in request. Check the profile's client ID and redirect address."
	case "unauthorized_client":
		if e.codeGrant {
			msg = "The provider does not let this client ID sign in with a client secret. Check the profile's client ID, or set the profile to the sign-in without a client secret."
		} else {
			msg = "The provider does not let this client ID sign in this way. Check the profile's client ID, or ask the provider to allow it the implicit grant."
		}
	case "unsupported_response_type":
		if e.codeGrant {
			msg = "The provider does not hand out sign-in codes to this app (it refused response_type=code). Set the profile to the sign-in without a client secret."
		} else {
			msg = "The provider no longer hands out tokens directly to apps (it refused response_type=token). Ask the provider how this client ID should sign in now."
		}
	case "invalid_scope":
		msg = "The provider does not accept the scopes this profile asks for: check the profile's scopes."
	case "server_error":
		msg = "The provider had an internal error during sign-in. Try again later."
	case "temporarily_unavailable":
		msg = "The provider is busy or down for maintenance. Try again in a few minutes."
	case "":
		msg = "The provider refused the sign-in without saying why."
	default:
		msg = `The provider refused the sign-in with the reason "` + sanitizeText(e.Code, maxCode) + `".`
	}
	if d := sanitizeText(e.Description, maxDescription); d != "" {
		msg += ` The provider said: "` + d + `"`
	}
	return msg
}

// Is makes a ProviderError with code access_denied match ErrDeclined.
func (e *ProviderError) Is(target error) bool {
	return target == ErrDeclined && e.Code == "access_denied"
}

// newProviderError builds the error from the reply's parameters, sanitized,
// with any copy of the access token cut out.
func newProviderError(code, description, uri, token string) *ProviderError {
	if len(token) >= 8 {
		code = strings.ReplaceAll(code, token, "[token removed]")
		description = strings.ReplaceAll(description, token, "[token removed]")
		uri = strings.ReplaceAll(uri, token, "")
	}
	return &ProviderError{
		Code:        sanitizeText(code, maxCode),
		Description: sanitizeText(description, maxDescription),
		URI:         sanitizeURI(uri),
	}
}

// sanitizeText makes provider text safe to show: invalid UTF-8, control and
// formatting characters (bidi overrides included) are dropped or turned into
// spaces, runs of spaces collapsed, and the result cut to limit runes with an
// ellipsis.
func sanitizeText(s string, limit int) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		need := 1
		if space {
			need = 2
		}
		if n+need > limit {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// sanitizeURI keeps an absolute http(s) address of printable ASCII and drops
// anything else, so the UI can offer it as a link without risk.
func sanitizeURI(s string) string {
	if s == "" || len(s) > maxErrorURI {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return ""
		}
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return s
}
