package profiles

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"partnerdesk/internal/oauth"
)

// trustedHosts are Zapier's own hosts, reached over https on the default
// port. Every other host a profile names (the built-in sandbox's included)
// is shown to the operator, and importing a profile file that names one
// asks first.
var trustedHosts = map[string]bool{"zapier.com": true, "api.zapier.com": true}

// What a host of a profile gets, in the operator's words.
const (
	GetsPasswordPage = "the password page"
	GetsToken        = "the token"
	GetsClientSecret = "the client secret"
)

// Address is one URL of a profile and what the host it names gets.
type Address struct {
	URL  string
	Gets string // GetsPasswordPage, GetsToken or GetsClientSecret
}

// HostUse is a host outside Zapier that a profile sends something to.
type HostUse struct {
	// Host is written as the operator types it for --trust-host: "HOST", or
	// "HOST:PORT" when the port is not the scheme's default.
	Host string `json:"host"`
	// Gets lists what the host gets, e.g. ["the password page", "the token"].
	Gets []string `json:"gets"`
}

// String reads "HOST (the password page and the token)".
func (h HostUse) String() string {
	return h.Host + " (" + strings.Join(h.Gets, " and ") + ")"
}

// Addresses lists the URLs of a profile that name a host, with what each
// host gets: the authorize URL serves the password page, the API base URL
// receives the token, and a code-grant profile's token URL receives the
// client secret (and the sign-in code and refresh token).
func (p Profile) Addresses() []Address {
	a := []Address{
		{URL: p.EffectiveAuthorizeURL(), Gets: GetsPasswordPage},
		{URL: p.EffectiveAPIBaseURL(), Gets: GetsToken},
	}
	if p.EffectiveGrant() == oauth.GrantCode {
		a = append(a, Address{URL: p.EffectiveTokenURL(), Gets: GetsClientSecret})
	}
	return a
}

// UntrustedHosts lists the hosts of p outside Zapier, in the order of
// p.Addresses, each once with everything it gets.
func (p Profile) UntrustedHosts() []HostUse { return UntrustedHosts(p.Addresses()) }

// UntrustedHosts lists the hosts among addresses that are not Zapier's own
// (https on the default port of zapier.com or api.zapier.com), each once
// with everything it gets. An address that does not parse counts as
// untrusted and is shown as written.
func UntrustedHosts(addresses []Address) []HostUse {
	var out []HostUse
	index := map[string]int{}
	for _, a := range addresses {
		host, trusted := hostOf(a.URL)
		if trusted {
			continue
		}
		i, seen := index[host]
		if !seen {
			i = len(out)
			index[host] = i
			out = append(out, HostUse{Host: host})
		}
		if !containsString(out[i].Gets, a.Gets) {
			out[i].Gets = append(out[i].Gets, a.Gets)
		}
	}
	return out
}

// hostOf returns the host of raw as the operator reads it, and whether it
// is one of Zapier's own.
func hostOf(raw string) (host string, trusted bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw, false
	}
	name := strings.ToLower(u.Hostname())
	port := u.Port()
	defaultPort := map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	if port == defaultPort {
		port = ""
	}
	host = name
	if strings.Contains(name, ":") { // IPv6
		host = "[" + name + "]"
	}
	if port != "" {
		host = net.JoinHostPort(name, port)
	}
	return host, strings.EqualFold(u.Scheme, "https") && port == "" && trustedHosts[name]
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// UntrustedError refuses a profile file that sends the sign-in to hosts the
// operator did not say they trust.
type UntrustedError struct {
	Hosts []HostUse // the hosts still to be trusted
}

func (e *UntrustedError) Error() string {
	names := make([]string, len(e.Hosts))
	for i, h := range e.Hosts {
		names[i] = h.String()
	}
	return "this profile sends your sign-in outside Zapier, to " + strings.Join(names, ", ")
}

// NotTrusted returns the untrusted hosts of p that are not in trusted
// (written as HostUse.Host, compared without regard to case), as an
// *UntrustedError, or nil when every one is trusted.
func NotTrusted(p Profile, trusted []string) error {
	ok := map[string]bool{}
	for _, t := range trusted {
		ok[strings.ToLower(strings.TrimSpace(t))] = true
	}
	var missing []HostUse
	for _, h := range p.UntrustedHosts() {
		if !ok[strings.ToLower(h.Host)] {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &UntrustedError{Hosts: missing}
}

// CheckName refuses a name with control characters or invisible format
// characters (Unicode category Cf: right-to-left overrides such as U+202E,
// zero-width spaces, byte order marks), which can make one name look like
// another. Errors wrap ErrInvalid.
func CheckName(name string) error {
	for _, r := range name {
		switch {
		case unicode.IsControl(r):
			return fmt.Errorf("%w: the name %q contains a control character (U+%04X); type it again with letters, digits, spaces and punctuation only", ErrInvalid, name, r)
		case unicode.Is(unicode.Cf, r):
			return fmt.Errorf("%w: the name %q contains an invisible formatting character (U+%04X), which can make one name look like another; type it again with letters, digits, spaces and punctuation only", ErrInvalid, name, r)
		}
	}
	return nil
}
