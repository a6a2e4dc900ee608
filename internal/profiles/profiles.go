// Package profiles keeps the operator's profiles and the non-secret facts about
// each profile's token in $XDG_CONFIG_HOME/partnerdesk/profiles.json.
//
// The file is schema-versioned, written with mode 0600 by atomic replace, and
// guarded by a lock file so the GUI and the CLI can both write it. A file this
// version cannot read is set aside rather than overwritten; a file written by
// a newer version is left alone.
//
// What it deliberately does not do:
//   - hold secrets: the access token lives in the OS keychain (package vault),
//     keyed by Profile.ID; only metadata such as expiry and verification
//     results are stored here;
//   - keep JSON fields it does not know: they are dropped on the next write
//     (a newer schema is refused instead, see ErrNewerSchema);
//   - delete a profile's token, web data or cache: callers do that outside
//     Store.Update;
//   - talk to the network or know about the sandbox's run-time URLs.
package profiles

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"partnerdesk/internal/oauth"
)

// SchemaVersion is the newest version of the file format this package
// reads and writes. Files with a higher version are refused
// (ErrNewerSchema). Version 2 added a profile's grant and token URL; a file
// whose profiles all use the implicit grant is still written as version 1
// (see File.formatVersion).
const SchemaVersion = 2

// firstVersion is the file format before grants existed.
const firstVersion = 1

// Defaults for the optional URLs of a Profile.
const (
	DefaultAuthorizeURL = "https://zapier.com/oauth/authorize/"
	DefaultAPIBaseURL   = "https://api.zapier.com"
	DefaultTokenURL     = oauth.DefaultTokenURL
)

// Errors from File's methods, for errors.Is. The wrapped messages name the
// profile and, where useful, list the existing names.
var (
	// ErrExists: a profile with that name or id already exists.
	ErrExists = errors.New("profile already exists")
	// ErrUnknown: no profile has that name or id (or there are no profiles).
	ErrUnknown = errors.New("unknown profile")
	// ErrAmbiguous: no name was given and more than one profile exists.
	ErrAmbiguous = errors.New("ambiguous profile")
	// ErrInvalid: a profile is missing a required field or has a malformed one.
	ErrInvalid = errors.New("invalid profile")
)

// File is the whole content of profiles.json.
type File struct {
	Version  int       `json:"version"`
	Profiles []Profile `json:"profiles"`
}

// Profile is one OAuth client registration the operator signs in with.
type Profile struct {
	// ID is stable and random ("p_" + 12 hex digits) and never changes. It is
	// the keychain user and the name of the profile's web data directory, so
	// it is limited to letters, digits, '_' and '-'.
	ID string `json:"id"`
	// Name is chosen by the operator, unique case-insensitively, and may change.
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	RedirectURI  string `json:"redirect_uri"`
	AuthorizeURL string `json:"authorize_url,omitempty"` // "" means DefaultAuthorizeURL
	APIBaseURL   string `json:"api_base_url,omitempty"`  // "" means DefaultAPIBaseURL
	// Grant is how the profile's app hands out tokens: "" (the implicit
	// grant, as every profile made before grants existed) or "code", whose
	// client secret lives only in the keychain. Read it with EffectiveGrant.
	Grant oauth.Grant `json:"grant,omitempty"`
	// TokenURL is where a code-grant profile trades its sign-in code and
	// refresh tokens; "" means DefaultTokenURL. An implicit-grant profile
	// has none.
	TokenURL string `json:"token_url,omitempty"`
	// Scopes are the scopes to request.
	Scopes []string `json:"scopes,omitempty"`
	// Sandbox marks the built-in sandbox profile: its URLs come from the
	// running sandbox at run time, and callers substitute them for the
	// Effective* values.
	Sandbox bool      `json:"sandbox,omitempty"`
	Token   TokenMeta `json:"token"`
}

// TokenMeta is what may be known about a profile's token without the token
// itself. Times are stored in UTC, to the second.
type TokenMeta struct {
	SignedIn   bool       `json:"signed_in"`
	ObtainedAt *time.Time `json:"obtained_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	// Scopes are the scopes granted.
	Scopes         []string   `json:"scopes,omitempty"`
	LastVerifiedAt *time.Time `json:"last_verified_at,omitempty"`
	LastVerifyOK   bool       `json:"last_verify_ok,omitempty"`
	// LastVerifyNote is in operator words, e.g. "The token no longer works."
	LastVerifyNote string `json:"last_verify_note,omitempty"`
	// Invalid records that the API rejected the token (401, or 403 invalid
	// authentication).
	Invalid  bool      `json:"invalid,omitempty"`
	Identity *Identity `json:"identity,omitempty"`
	// SignedOutReason says, in operator words, why Partnerdesk signed the
	// profile out by itself (its client ID or addresses changed); cleared by
	// the next sign-in or sign-out.
	SignedOutReason string `json:"signed_out_reason,omitempty"`
}

// Identity is the account the token belongs to, as the API reported it.
type Identity struct {
	ID       string `json:"id"`
	FullName string `json:"full_name"`
	Email    string `json:"email"`
}

// EffectiveAuthorizeURL returns AuthorizeURL, or DefaultAuthorizeURL when it is empty.
func (p Profile) EffectiveAuthorizeURL() string {
	if p.AuthorizeURL == "" {
		return DefaultAuthorizeURL
	}
	return p.AuthorizeURL
}

// EffectiveAPIBaseURL returns APIBaseURL, or DefaultAPIBaseURL when it is empty.
func (p Profile) EffectiveAPIBaseURL() string {
	if p.APIBaseURL == "" {
		return DefaultAPIBaseURL
	}
	return p.APIBaseURL
}

// EffectiveGrant returns Grant, or oauth.GrantImplicit when it is empty.
func (p Profile) EffectiveGrant() oauth.Grant {
	if p.Grant == "" {
		return oauth.GrantImplicit
	}
	return p.Grant
}

// EffectiveTokenURL returns TokenURL, or DefaultTokenURL when it is empty.
func (p Profile) EffectiveTokenURL() string {
	if p.TokenURL == "" {
		return DefaultTokenURL
	}
	return p.TokenURL
}

// Expired reports whether the token's expiry time has been reached at now. A
// token with no known expiry is not expired.
func (t TokenMeta) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// Find returns the profile whose name matches nameOrID case-insensitively, or
// whose ID is exactly nameOrID. The pointer is into f.Profiles and is valid
// until the next Add or Remove.
func (f *File) Find(nameOrID string) (*Profile, bool) {
	if i := f.index(nameOrID); i >= 0 {
		return &f.Profiles[i], true
	}
	return nil, false
}

func (f *File) index(nameOrID string) int {
	if nameOrID == "" {
		return -1
	}
	for i, p := range f.Profiles {
		if p.ID == nameOrID || strings.EqualFold(p.Name, nameOrID) {
			return i
		}
	}
	return -1
}

// Resolve applies the CLI rule for --profile: an empty name picks the only
// profile when exactly one exists; otherwise the name (or id) must match one.
// Errors wrap ErrUnknown or ErrAmbiguous and list the existing names.
func (f *File) Resolve(name string) (*Profile, error) {
	if name == "" {
		switch len(f.Profiles) {
		case 0:
			return nil, fmt.Errorf("%w: there are no profiles yet", ErrUnknown)
		case 1:
			return &f.Profiles[0], nil
		default:
			return nil, fmt.Errorf("%w: there are %d profiles, so one must be named: %s",
				ErrAmbiguous, len(f.Profiles), f.names())
		}
	}
	if p, ok := f.Find(name); ok {
		return p, nil
	}
	return nil, f.unknown(name)
}

// unknown is the ErrUnknown error for a name that matched nothing.
func (f *File) unknown(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: no profile was named", ErrUnknown)
	case len(f.Profiles) == 0:
		return fmt.Errorf("%w: no profile is named %q; there are no profiles yet", ErrUnknown, name)
	default:
		return fmt.Errorf("%w: no profile is named %q; the profiles are: %s", ErrUnknown, name, f.names())
	}
}

// Add appends p and returns a pointer to the stored copy, valid until the
// next Add or Remove. Leading and trailing spaces are trimmed from the name;
// an empty ID is replaced by a new random one. Errors wrap ErrExists when the
// name or the ID is taken (both compared case-insensitively, and a name may
// not equal another profile's ID), and ErrInvalid when a required field is
// missing or malformed.
func (f *File) Add(p Profile) (*Profile, error) {
	p.Name = strings.TrimSpace(p.Name)
	if p.ID == "" {
		for {
			p.ID = newID()
			if !f.idTaken(p.ID) {
				break
			}
		}
	}
	if err := validateProfile(p); err != nil {
		return nil, err
	}
	// Checked here rather than in validateProfile, which also judges files
	// on disk: a name saved before format characters were refused must not
	// get the whole file set aside as damaged.
	if err := CheckName(p.Name); err != nil {
		return nil, err
	}
	if err := f.checkUnique(p, -1); err != nil {
		return nil, err
	}
	p.Scopes = slices.Clone(p.Scopes)
	p.Token.Scopes = slices.Clone(p.Token.Scopes)
	f.Profiles = append(f.Profiles, p)
	return &f.Profiles[len(f.Profiles)-1], nil
}

// Remove deletes the profile matching nameOrID (as Find) and returns it.
// The error wraps ErrUnknown when there is none.
func (f *File) Remove(nameOrID string) (Profile, error) {
	i := f.index(nameOrID)
	if i < 0 {
		return Profile{}, f.unknown(nameOrID)
	}
	removed := f.Profiles[i]
	f.Profiles = slices.Delete(f.Profiles, i, i+1)
	return removed, nil
}

// names lists the profile names, quoted, in file order.
func (f *File) names() string {
	q := make([]string, len(f.Profiles))
	for i, p := range f.Profiles {
		q[i] = fmt.Sprintf("%q", p.Name)
	}
	return strings.Join(q, ", ")
}

func (f *File) idTaken(id string) bool {
	for _, p := range f.Profiles {
		if strings.EqualFold(p.ID, id) {
			return true
		}
	}
	return false
}

// checkUnique reports whether p's ID or name clashes with a profile other
// than f.Profiles[self]. A name may not equal another profile's ID either,
// so that Find is never ambiguous.
func (f *File) checkUnique(p Profile, self int) error {
	for i, q := range f.Profiles {
		if i == self {
			continue
		}
		switch {
		case strings.EqualFold(q.ID, p.ID): // case-insensitive file systems hold web data by id
			return fmt.Errorf("%w: profile id %q is used by %q", ErrExists, p.ID, q.Name)
		case strings.EqualFold(q.Name, p.Name):
			return fmt.Errorf("%w: a profile named %q already exists", ErrExists, q.Name)
		case strings.EqualFold(q.ID, p.Name) || strings.EqualFold(q.Name, p.ID):
			return fmt.Errorf("%w: profile name %q clashes with the id of profile %q", ErrExists, p.Name, q.Name)
		}
	}
	return nil
}

// validate checks every profile and their uniqueness; Store writes only a
// File that passes, and treats a file on disk that fails as corrupt.
func (f *File) validate() error {
	for i, p := range f.Profiles {
		if err := validateProfile(p); err != nil {
			return err
		}
		if err := f.checkUnique(p, i); err != nil {
			return err
		}
	}
	return nil
}

func validateProfile(p Profile) error {
	label := p.Name
	if label == "" {
		label = p.ID
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalid, label, fmt.Sprintf(format, args...))
	}
	switch {
	case p.ID == "":
		return fail("the id is empty")
	case !validID(p.ID):
		return fail("the id %q may hold only up to 64 letters, digits, '_' and '-'", p.ID)
	case p.Name == "":
		return fail("the name is empty")
	case p.Name != strings.TrimSpace(p.Name):
		return fail("the name starts or ends with a space")
	case strings.ContainsFunc(p.Name, unicode.IsControl):
		return fail("the name contains a control character")
	case p.ClientID == "":
		return fail("the client id is empty")
	case p.RedirectURI == "":
		return fail("the redirect URI is empty")
	}
	if u, err := url.Parse(p.RedirectURI); err != nil || u.Scheme == "" {
		return fail("the redirect URI %q is not an absolute URL", p.RedirectURI)
	}
	if _, err := oauth.ParseGrant(string(p.Grant)); err != nil {
		return fail("%v", err)
	}
	for _, f := range []struct{ what, value string }{
		{"authorize URL", p.AuthorizeURL},
		{"API base URL", p.APIBaseURL},
		{"token URL", p.TokenURL},
	} {
		if f.value == "" {
			continue
		}
		if u, err := url.Parse(f.value); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fail("the %s %q is not an http or https URL", f.what, f.value)
		}
	}
	return nil
}

func validID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return id != ""
}

// newID returns "p_" and 12 random hex digits.
func newID() string {
	var b [6]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return "p_" + hex.EncodeToString(b[:])
}

// formatVersion is the lowest file format version that holds f: version 1
// while every profile uses the implicit grant, so a Partnerdesk from before
// the code grant still opens the file; SchemaVersion once a profile has a
// grant or a token URL, which that older Partnerdesk refuses as "written by
// a newer version" rather than reading the profile without them (and
// dropping them on its next write).
func (f *File) formatVersion() int {
	for _, p := range f.Profiles {
		if p.Grant != "" || p.TokenURL != "" {
			return SchemaVersion
		}
	}
	return firstVersion
}

// normalizeGrants writes the implicit grant as "" (so a file of implicit
// profiles reads as it did before grants existed) and drops the token URL
// of an implicit-grant profile, which never uses one.
func (f *File) normalizeGrants() {
	for i := range f.Profiles {
		p := &f.Profiles[i]
		if p.Grant == oauth.GrantImplicit {
			p.Grant = ""
		}
		if p.Grant == "" {
			p.TokenURL = ""
		}
	}
}

// normalizeTimes stores every time in UTC, to the second.
func (f *File) normalizeTimes() {
	for i := range f.Profiles {
		t := &f.Profiles[i].Token
		for _, pt := range []**time.Time{&t.ObtainedAt, &t.ExpiresAt, &t.LastVerifiedAt} {
			if *pt != nil {
				u := (**pt).UTC().Truncate(time.Second)
				*pt = &u
			}
		}
	}
}
