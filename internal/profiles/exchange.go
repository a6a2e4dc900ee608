package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"partnerdesk/internal/oauth"
)

// ExchangeVersion is the newest version of the profile file a technical
// lead hands an operator. The file holds settings only, never a token or a
// client secret. Version 2 added the grant and the token URL; a profile of
// the implicit grant is still written as version 1, which a Partnerdesk from
// before the code grant opens, while it refuses a code-grant profile as
// "made by a newer Partnerdesk" instead of signing in the wrong way.
const ExchangeVersion = 2

// ExchangeExt is the extension of profile files; the desktop entry
// registers it, so double-clicking one opens it in Partnerdesk.
const ExchangeExt = ".pdprofile"

// IsExchangeFile tells a profile file the desktop hands over (by its
// extension, or the older .partnerdesk-profile.json) from a subcommand.
func IsExchangeFile(arg string) bool {
	lower := strings.ToLower(arg)
	return strings.HasSuffix(lower, ExchangeExt) || strings.HasSuffix(lower, ".partnerdesk-profile.json")
}

// exchangeFile is the shape of a profile file. Fields are listed one by
// one, not embedded from Profile, so token metadata can never leak into it.
type exchangeFile struct {
	Format       string   `json:"format"`
	Version      int      `json:"version"`
	Name         string   `json:"name"`
	ClientID     string   `json:"client_id"`
	RedirectURI  string   `json:"redirect_uri"`
	AuthorizeURL string   `json:"authorize_url,omitempty"`
	APIBaseURL   string   `json:"api_base_url,omitempty"`
	Scopes       []string `json:"scopes,omitempty"`
	Grant        string   `json:"grant,omitempty"`
	TokenURL     string   `json:"token_url,omitempty"`
}

const exchangeFormat = "partnerdesk-profile"

// maxExchangeSize bounds what Import reads: a profile file is a few hundred
// bytes.
const maxExchangeSize = 64 << 10

// Export writes a profile's settings as a profile file: no id, no token, no
// token metadata, and no client secret (which lives only in the keychain:
// whoever imports a code-grant profile adds the secret themselves).
func Export(p Profile) ([]byte, error) {
	f := exchangeFile{
		Format: exchangeFormat, Version: 1,
		Name: p.Name, ClientID: p.ClientID, RedirectURI: p.RedirectURI,
		AuthorizeURL: p.AuthorizeURL, APIBaseURL: p.APIBaseURL, Scopes: p.Scopes,
	}
	if p.EffectiveGrant() == oauth.GrantCode {
		f.Version, f.Grant, f.TokenURL = ExchangeVersion, string(oauth.GrantCode), p.TokenURL
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Import reads a profile file and checks it as if the operator had typed
// it. The profile it returns has no id yet; File.Add gives it one.
func Import(data []byte) (Profile, error) {
	if len(data) > maxExchangeSize {
		return Profile{}, fmt.Errorf("%w: this file is too large to be a Partnerdesk profile", ErrInvalid)
	}
	var f exchangeFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil || f.Format != exchangeFormat {
		return Profile{}, fmt.Errorf("%w: this file is not a Partnerdesk profile", ErrInvalid)
	}
	if f.Version > ExchangeVersion {
		return Profile{}, fmt.Errorf("%w: this profile file was made by a newer Partnerdesk; update Partnerdesk to open it", ErrInvalid)
	}
	p := Profile{
		Name: strings.TrimSpace(f.Name), ClientID: strings.TrimSpace(f.ClientID), RedirectURI: strings.TrimSpace(f.RedirectURI),
		AuthorizeURL: strings.TrimSpace(f.AuthorizeURL), APIBaseURL: strings.TrimRight(strings.TrimSpace(f.APIBaseURL), "/"),
		Scopes: f.Scopes,
	}
	Input{Grant: f.Grant, TokenURL: f.TokenURL}.Apply(&p, map[Field]bool{FieldGrant: true, FieldTokenURL: true})
	if err := CheckInput(p); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// ReadFile reads a profile file and checks it as Import does. It adds
// nothing: the caller first asks the operator about the hosts the profile
// names (UntrustedHosts, NotTrusted), then calls AddImported.
func ReadFile(path string) (Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("read the profile file: %w", err)
	}
	return Import(data)
}

// AddImported adds a profile read from a profile file, under newName when
// given. A name already taken is refused (ErrExists): importing never
// changes an existing profile behind the operator's back.
func AddImported(store *Store, p Profile, newName string) (Profile, error) {
	if newName = strings.TrimSpace(newName); newName != "" {
		p.Name = newName
	}
	p.ID, p.Token = "", TokenMeta{}
	var added Profile
	err := store.Update(func(f *File) error {
		if existing, taken := f.Find(p.Name); taken {
			return fmt.Errorf("%w: a profile named %q already exists", ErrExists, existing.Name)
		}
		np, err := f.Add(p)
		if err != nil {
			return err
		}
		added = *np
		return nil
	})
	_, err = Saved(err) // a damaged file was set aside: the import was saved
	return added, err
}
