// Package credential keeps a profile's stored credential (access token,
// refresh token, expiry, grant) and gives a valid access token without a
// window.
//
// Store puts the secrets in the keychain, service "partnerdesk": user =
// profile id holds exactly the access token (as it always has, so scripts
// that read it keep working), "<id>/refresh" the refresh token and
// "<id>/client-secret" the client secret. The expiry is no secret and stays
// in the profile's token metadata, reached through the small Expiries
// interface.
//
// Source returns a valid access token, refreshing it through the token
// endpoint when less than a minute remains or when the API rejected it.
// It wraps golang.org/x/oauth2 (through oauth.TokenEndpoint, which makes
// the refresh request) rather than using x/oauth2's own TokenSource,
// because that one keeps the token in one process's memory. Partnerdesk's
// GUI and any number of command-line processes share one refresh token,
// and Zapier rotates it: each refresh makes the old one useless, so two
// processes refreshing at once would sign the profile out. So Source takes
// a lock shared across processes (flock on a file in a directory the caller
// names), re-reads the keychain under it and uses a token another process
// has just stored, and writes the new refresh token to the keychain before
// the new access token, and both before the new access token is returned.
//
// What it deliberately does not do: open a window (a refused refresh token
// is ErrSignedOut, and the caller asks the operator to sign in), keep
// tokens in memory beyond one Source (the keychain is the one truth: a
// Source remembers the token it gave only while it is good for more than a
// minute, and renews under the lock from the keychain), or write a secret
// anywhere but the keychain. It registers every secret it reads
// or writes with the log's redaction (internal/logging).
package credential

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"partnerdesk/internal/logging"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/vault"
)

// Credential is what a profile signs in with. Like oauth.Token it never
// shows its secrets: String, GoString, Format and LogValue give a redacted
// summary, and MarshalJSON, MarshalText and GobEncode refuse.
type Credential struct {
	Grant        oauth.Grant
	AccessToken  string
	RefreshToken string    // "" for the implicit grant
	Expiry       time.Time // when AccessToken stops working; zero when unknown
}

// FromToken makes the credential a sign-in or a refresh gave at obtained.
func FromToken(grant oauth.Grant, tok oauth.Token, obtained time.Time) Credential {
	c := Credential{Grant: grant, AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken}
	if tok.ExpiresIn > 0 {
		c.Expiry = obtained.Add(tok.ExpiresIn).UTC().Truncate(time.Second)
	}
	return c
}

// expiresWithin reports whether the access token is missing or has less
// than margin left at now. A token with no known expiry does not expire.
func (c Credential) expiresWithin(now time.Time, margin time.Duration) bool {
	if c.AccessToken == "" {
		return true
	}
	return !c.Expiry.IsZero() && c.Expiry.Sub(now) < margin
}

// String returns e.g. "code credential (40 chars, renewable, expires
// 2026-01-02T15:04:05Z)".
func (c Credential) String() string {
	s := string(c.Grant) + " credential (" + strconv.Itoa(len(c.AccessToken)) + " chars"
	if c.RefreshToken != "" {
		s += ", renewable"
	}
	if !c.Expiry.IsZero() {
		s += ", expires " + c.Expiry.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// GoString, used by %#v, is String too.
func (c Credential) GoString() string { return c.String() }

// Format makes every fmt verb print String.
func (c Credential) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue gives log/slog the summary.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.String()) }

var errNoSerialize = errors.New("A sign-in credential is never written out as text or data; it lives in the keychain.")

// MarshalJSON refuses.
func (c Credential) MarshalJSON() ([]byte, error) { return nil, errNoSerialize }

// MarshalText refuses.
func (c Credential) MarshalText() ([]byte, error) { return nil, errNoSerialize }

// GobEncode refuses.
func (c Credential) GobEncode() ([]byte, error) { return nil, errNoSerialize }

// Keychain is where the secrets live: a *vault.Vault, or a *vault.Session
// (the keychain, or memory only when the operator chose that). It answers
// vault.ErrNotFound for a missing entry.
type Keychain interface {
	Get(ctx context.Context, user string) (string, error)
	Set(ctx context.Context, user, secret string) error
	Delete(ctx context.Context, user string) error
}

// Expiries keeps when each profile's access token expires, outside the
// keychain: in the app, the token metadata of profiles.json. The zero time
// means unknown, and SetExpiry with it clears the expiry.
type Expiries interface {
	Expiry(profileID string) (time.Time, error)
	SetExpiry(profileID string, expiry time.Time) error
}

// Store reads and writes profiles' credentials and client secrets.
type Store struct {
	Keychain Keychain
	Expiries Expiries
}

// Save stores c for the profile: the refresh token first, then the access
// token, then the expiry. A crash between them never loses the chain: a new
// refresh token beside an old access token only means one more refresh.
// (The other order could leave a new access token beside a refresh token
// the provider has already retired.) Saving a credential without a refresh
// token removes any stored one.
func (s *Store) Save(ctx context.Context, profileID string, c Credential) error {
	if c.AccessToken == "" {
		return errors.New("save credential: no access token")
	}
	if c.RefreshToken != "" {
		logging.AddSecret(c.RefreshToken)
		if err := s.Keychain.Set(ctx, vault.RefreshTokenUser(profileID), c.RefreshToken); err != nil {
			return err
		}
	} else if err := s.delete(ctx, vault.RefreshTokenUser(profileID)); err != nil {
		return err
	}
	logging.AddSecret(c.AccessToken)
	if err := s.Keychain.Set(ctx, profileID, c.AccessToken); err != nil {
		return err
	}
	if err := s.Expiries.SetExpiry(profileID, c.Expiry); err != nil {
		return fmt.Errorf("save token expiry for profile %q: %w", profileID, err)
	}
	return nil
}

// Load returns the profile's credential, or vault.ErrNotFound when neither
// an access token nor a refresh token is stored. An access token missing
// beside a refresh token (a crash between Save's writes) gives a credential
// with an empty AccessToken, which Source renews. Grant is GrantCode when a
// refresh token is stored, GrantImplicit otherwise.
//
// It reads in the reverse order of Save (expiry, access token, refresh
// token), so that a Load running while another process saves never pairs a
// new expiry with an old access token.
func (s *Store) Load(ctx context.Context, profileID string) (Credential, error) {
	expiry, err := s.Expiries.Expiry(profileID)
	if err != nil {
		return Credential{}, fmt.Errorf("read token expiry for profile %q: %w", profileID, err)
	}
	access, err := s.get(ctx, profileID)
	if err != nil {
		return Credential{}, err
	}
	refresh, err := s.get(ctx, vault.RefreshTokenUser(profileID))
	if err != nil {
		return Credential{}, err
	}
	if access == "" && refresh == "" {
		return Credential{}, vault.ErrNotFound
	}
	c := Credential{Grant: oauth.GrantImplicit, AccessToken: access, RefreshToken: refresh, Expiry: expiry}
	if refresh != "" {
		c.Grant = oauth.GrantCode
	}
	return c, nil
}

// SignOut removes the profile's refresh token, then its access token, and
// clears the expiry; the client secret stays. Entries already missing are
// no error. The refresh token goes first, so that a failure in between
// never leaves a refresh token that would sign the profile in again.
func (s *Store) SignOut(ctx context.Context, profileID string) error {
	if err := s.delete(ctx, vault.RefreshTokenUser(profileID)); err != nil {
		return err
	}
	if err := s.delete(ctx, profileID); err != nil {
		return err
	}
	if err := s.Expiries.SetExpiry(profileID, time.Time{}); err != nil {
		return fmt.Errorf("clear token expiry for profile %q: %w", profileID, err)
	}
	return nil
}

// RemoveAll is SignOut and the removal of the client secret: what removing
// the profile does.
func (s *Store) RemoveAll(ctx context.Context, profileID string) error {
	if err := s.SignOut(ctx, profileID); err != nil {
		return err
	}
	return s.delete(ctx, vault.ClientSecretUser(profileID))
}

// RemoveClientSecret removes the profile's client secret; a missing one is
// no error. The tokens stay.
func (s *Store) RemoveClientSecret(ctx context.Context, profileID string) error {
	return s.delete(ctx, vault.ClientSecretUser(profileID))
}

// SaveClientSecret stores the profile's client secret, replacing any other.
func (s *Store) SaveClientSecret(ctx context.Context, profileID string, secret oauth.ClientSecret) error {
	if secret == "" {
		return errors.New("The client secret is empty. Copy it from your app's page on Zapier.")
	}
	logging.AddSecret(string(secret))
	return s.Keychain.Set(ctx, vault.ClientSecretUser(profileID), string(secret))
}

// ClientSecret returns the profile's client secret, or
// oauth.ErrNoClientSecret when none is stored.
func (s *Store) ClientSecret(ctx context.Context, profileID string) (oauth.ClientSecret, error) {
	secret, err := s.get(ctx, vault.ClientSecretUser(profileID))
	if err != nil {
		return "", err
	}
	if secret == "" {
		return "", oauth.ErrNoClientSecret
	}
	logging.AddSecret(secret)
	return oauth.ClientSecret(secret), nil
}

// get reads an entry; a missing one is "" and no error.
func (s *Store) get(ctx context.Context, user string) (string, error) {
	v, err := s.Keychain.Get(ctx, user)
	if errors.Is(err, vault.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	logging.AddSecret(v)
	return v, nil
}

// delete removes an entry; a missing one is no error.
func (s *Store) delete(ctx context.Context, user string) error {
	if err := s.Keychain.Delete(ctx, user); err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	return nil
}
