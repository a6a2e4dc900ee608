package profiles

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"partnerdesk/internal/oauth"
)

// Input is a profile's settings as the operator gives them: typed into the
// app's form, or given as `profile add` flags. Apply is the one place they
// are cleaned up (white space, a trailing slash, scopes split) and written
// onto a profile, for the GUI and the command line alike.
type Input struct {
	Name         string `json:"name"`
	ClientID     string `json:"clientId"`
	RedirectURI  string `json:"redirectUri"`
	Scopes       string `json:"scopes"` // as typed: separated by spaces or commas
	AuthorizeURL string `json:"authorizeUrl"`
	APIBaseURL   string `json:"apiBaseUrl"`
	// Grant is "implicit" ("" means it too) or "code".
	Grant    string `json:"grant"`
	TokenURL string `json:"tokenUrl"` // a code-grant profile's; "" means the default
}

// Field names one setting of Input. The values are the `profile add` flags
// that set them, so the command line can pass the flags it was given.
type Field string

const (
	FieldName         Field = "name"
	FieldClientID     Field = "client-id"
	FieldRedirectURI  Field = "redirect-uri"
	FieldAuthorizeURL Field = "authorize-url"
	FieldAPIBase      Field = "api-base"
	FieldScope        Field = "scope"
	FieldGrant        Field = "grant"
	FieldTokenURL     Field = "token-url"
)

// AllFields are the settings the app's form always sends.
var AllFields = map[Field]bool{FieldName: true, FieldClientID: true, FieldRedirectURI: true,
	FieldAuthorizeURL: true, FieldAPIBase: true, FieldScope: true, FieldGrant: true, FieldTokenURL: true}

// Profile is a new profile of exactly these settings, cleaned up.
func (in Input) Profile() Profile {
	var p Profile
	in.Apply(&p, AllFields)
	return p
}

// Apply writes the given settings of in onto p, cleaned up, and leaves the
// others as they are: `profile add --update` changes only the flags it was
// given; the app's form gives them all (AllFields). Other names in given
// are ignored. A profile left with the implicit grant has no token URL:
// Apply drops it.
func (in Input) Apply(p *Profile, given map[Field]bool) {
	if given[FieldName] {
		p.Name = strings.TrimSpace(in.Name)
	}
	if given[FieldClientID] {
		p.ClientID = strings.TrimSpace(in.ClientID)
	}
	if given[FieldRedirectURI] {
		p.RedirectURI = strings.TrimSpace(in.RedirectURI)
	}
	if given[FieldAuthorizeURL] {
		p.AuthorizeURL = strings.TrimSpace(in.AuthorizeURL)
	}
	if given[FieldAPIBase] {
		p.APIBaseURL = strings.TrimRight(strings.TrimSpace(in.APIBaseURL), "/")
	}
	if given[FieldScope] {
		p.Scopes = SplitScopes(in.Scopes)
	}
	if given[FieldGrant] {
		p.Grant = oauth.Grant(strings.ToLower(strings.TrimSpace(in.Grant)))
		if p.Grant == oauth.GrantImplicit {
			p.Grant = ""
		}
	}
	if given[FieldTokenURL] {
		p.TokenURL = strings.TrimSpace(in.TokenURL)
	}
	if p.Grant == "" {
		p.TokenURL = ""
	}
}

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
	if _, err := oauth.ParseGrant(string(p.Grant)); err != nil {
		return invalid("%v", err)
	}
	for _, f := range []struct{ label, raw string }{{"authorize URL", p.AuthorizeURL}, {"API base URL", p.APIBaseURL}, {"token URL", p.TokenURL}} {
		if f.raw == "" {
			continue
		}
		u, err := url.Parse(f.raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return invalid("the %s %q is not a web address (it should start with https://)", f.label, f.raw)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			// Plain http would let anyone on the network read the page the
			// operator types their password into, the API's answers, or
			// the client secret and tokens sent to the token URL.
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
