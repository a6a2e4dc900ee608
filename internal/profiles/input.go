package profiles

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"partnerdesk/internal/oauth"
)

// SplitScopes reads scopes as an operator types them: separated by spaces
// or commas.
func SplitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
}

// CheckInput checks a profile as the operator typed it and says, in the
// operator's words, what to fix. Errors wrap ErrInvalid.
func CheckInput(p Profile) error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(p.Name) == "" {
		return invalid("the profile needs a name")
	}
	if err := CheckName(p.Name); err != nil {
		return err
	}
	if strings.TrimSpace(p.ClientID) == "" {
		return invalid("the client ID is missing: it is the client_id Zapier gave your app when it was approved for the Partner API")
	}
	if err := oauth.ValidateRedirectURI(p.RedirectURI); err != nil {
		return invalid("%v", err)
	}
	for _, f := range []struct{ label, raw string }{{"authorize URL", p.AuthorizeURL}, {"API base URL", p.APIBaseURL}} {
		if f.raw == "" {
			continue
		}
		u, err := url.Parse(f.raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return invalid("the %s %q is not a web address (it should start with https://)", f.label, f.raw)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			// Plain http would let anyone on the network read the page the
			// operator types their password into, or the API's answers.
			return invalid("the %s %q must start with https:// (plain http is only allowed for this computer's own addresses)", f.label, f.raw)
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
