package desktop

import (
	"time"

	"partnerdesk/internal/loopback"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
)

// Identity is who a token belongs to.
type Identity struct {
	ID       string `json:"id"`
	FullName string `json:"fullName"`
	Email    string `json:"email"`
}

// Status is the state of a profile's sign-in, one word the page switches on.
type Status string

const (
	StatusSignedIn  Status = "signed-in"
	StatusExpired   Status = "expired"
	StatusInvalid   Status = "invalid" // Zapier rejected the token
	StatusSignedOut Status = "signed-out"
)

// statusLabels are the short words for each status, for the sidebar and
// screen readers.
var statusLabels = map[Status]string{
	StatusSignedIn:  "Signed in",
	StatusExpired:   "Expired",
	StatusInvalid:   "Token rejected",
	StatusSignedOut: "Not signed in",
}

// statusOf is a profile's status at now: a token Zapier rejected outranks
// an expired one, which outranks a good one.
func statusOf(p profiles.Profile, now time.Time) Status {
	switch {
	case !p.Token.SignedIn:
		return StatusSignedOut
	case p.Token.Invalid:
		return StatusInvalid
	case p.Token.Expired(now):
		return StatusExpired
	}
	return StatusSignedIn
}

// BrowserMethod is how "Sign in with my browser" gets the answer back.
type BrowserMethod string

const (
	// BrowserLoopback: the app listens on the redirect URI, which is on
	// this computer (internal/loopback).
	BrowserLoopback BrowserMethod = "loopback"
	// BrowserPaste: the operator pastes the address the browser ends on.
	BrowserPaste BrowserMethod = "paste"
)

func browserMethodOf(p profiles.Profile) BrowserMethod {
	if loopback.Accepts(p.RedirectURI) {
		return BrowserLoopback
	}
	return BrowserPaste
}

// ProfileView is a profile as the frontend shows it: settings and the
// non-secret state of its token, with what the page shows of it decided
// here (status, its label, the browser sign-in method), not again in
// TypeScript.
type ProfileView struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	ClientID       string    `json:"clientId"`
	RedirectURI    string    `json:"redirectUri"`
	AuthorizeURL   string    `json:"authorizeUrl"`
	APIBaseURL     string    `json:"apiBaseUrl"`
	Scopes         []string  `json:"scopes"`
	Sandbox        bool      `json:"sandbox"`
	SignedIn       bool      `json:"signedIn"`
	TokenInvalid   bool      `json:"tokenInvalid"`
	Expired        bool      `json:"expired"`
	Identity       *Identity `json:"identity"`
	GrantedScopes  []string  `json:"grantedScopes"`
	ObtainedAt     *string   `json:"obtainedAt"`
	ExpiresAt      *string   `json:"expiresAt"`
	LastVerifiedAt *string   `json:"lastVerifiedAt"`
	LastVerifyOK   bool      `json:"lastVerifyOk"`
	LastVerifyNote string    `json:"lastVerifyNote"`
	// Status and StatusLabel are the sign-in's state when the view was made;
	// the page shows them, and counts an expiry time passed since as expired.
	Status      Status `json:"status"`
	StatusLabel string `json:"statusLabel"`
	// BrowserMethod is how "Sign in with my browser" works for this profile.
	BrowserMethod BrowserMethod `json:"browserMethod"`
	// MissingScopes are scopes the profile asks for that the token was not
	// granted.
	MissingScopes []string `json:"missingScopes"`
	// UntrustedHosts are the hosts outside Zapier this profile sends the
	// sign-in to (profiles.UntrustedHosts); the card names each.
	UntrustedHosts []profiles.HostUse `json:"untrustedHosts"`
	// SignedOutReason says why Partnerdesk signed the profile out by itself;
	// "" when it did not.
	SignedOutReason string `json:"signedOutReason"`

	// Grant is how the profile's app hands out tokens: "implicit" or
	// "code" (with a client secret); GrantLabel says it for the operator.
	Grant      oauth.Grant `json:"grant"`
	GrantLabel string      `json:"grantLabel"`
	// TokenURL is where a code-grant profile trades its codes and refresh
	// tokens; "" for the implicit grant.
	TokenURL string `json:"tokenUrl"`
	// ClientSecretMissing: a code-grant profile whose client secret the
	// keychain does not hold; the card asks for it. The secret itself
	// never comes to the page.
	ClientSecretMissing bool `json:"clientSecretMissing"`
	// Renews: the token is renewed without a window (a code-grant profile
	// signed in, with its refresh token in the keychain); RenewsAt is about
	// when, RFC 3339, null when the expiry is unknown.
	Renews   bool    `json:"renews"`
	RenewsAt *string `json:"renewsAt"`
}

// grantLabels say each grant in the operator's words, for the card and the
// overview of all tokens.
var grantLabels = map[oauth.Grant]string{
	oauth.GrantCode:     "With a client secret: renews by itself",
	oauth.GrantImplicit: "Without a client secret: sign in again when the token expires",
}

// view is viewOf with what only the keychain knows: whether a code-grant
// profile's client secret is stored.
func (sh *shared) view(p profiles.Profile, now time.Time) ProfileView {
	v := viewOf(p, now)
	v.ClientSecretMissing = sh.clientSecretMissing(p)
	return v
}

func viewOf(p profiles.Profile, now time.Time) ProfileView {
	status := statusOf(p, now)
	v := ProfileView{
		ID: p.ID, Name: p.Name, ClientID: p.ClientID, RedirectURI: p.RedirectURI,
		AuthorizeURL: p.EffectiveAuthorizeURL(), APIBaseURL: p.EffectiveAPIBaseURL(),
		Scopes: nonNil(p.Scopes), Sandbox: p.Sandbox,
		SignedIn: p.Token.SignedIn, TokenInvalid: p.Token.Invalid, Expired: p.Token.SignedIn && p.Token.Expired(now),
		GrantedScopes: nonNil(p.Token.Scopes), ObtainedAt: rfc3339(p.Token.ObtainedAt), ExpiresAt: rfc3339(p.Token.ExpiresAt),
		LastVerifiedAt: rfc3339(p.Token.LastVerifiedAt), LastVerifyOK: p.Token.LastVerifyOK, LastVerifyNote: p.Token.LastVerifyNote,
		Status: status, StatusLabel: statusLabels[status], BrowserMethod: browserMethodOf(p),
		UntrustedHosts: append([]profiles.HostUse{}, p.UntrustedHosts()...), SignedOutReason: p.Token.SignedOutReason,
		Grant: p.EffectiveGrant(), GrantLabel: grantLabels[p.EffectiveGrant()],
	}
	if v.Grant == oauth.GrantCode {
		v.TokenURL = p.EffectiveTokenURL()
		v.Renews = renewsWithoutWindow(p) && !p.Token.Invalid
		if v.Renews && p.Token.ExpiresAt != nil {
			at := p.Token.ExpiresAt.Add(-refreshLead)
			v.RenewsAt = rfc3339(&at)
		}
	}
	if id := p.Token.Identity; id != nil {
		v.Identity = &Identity{ID: id.ID, FullName: id.FullName, Email: id.Email}
	}
	v.MissingScopes = []string{}
	if p.Token.SignedIn {
		granted := map[string]bool{}
		for _, sc := range p.Token.Scopes {
			granted[sc] = true
		}
		for _, sc := range p.Scopes {
			if !granted[sc] {
				v.MissingScopes = append(v.MissingScopes, sc)
			}
		}
	}
	return v
}

func rfc3339(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
