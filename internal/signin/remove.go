package signin

import (
	"context"
	"errors"
	"fmt"
	"os"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/paths"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/vault"
)

// CacheDir is where a profile's cached API results live.
func CacheDir(profileID string) string {
	return paths.ProfileCache(profileID)
}

// Remove deletes a profile and everything that belongs to it: its tokens
// (access and refresh), its client secret, its sign-in session and its
// cached results. The keychain entries go first: if the keychain cannot be
// reached the profile stays, so the operator can retry rather than leave a
// token behind with no profile to find it by. A profile that is not signed
// in and does not use the code grant holds nothing in the keychain, so the
// keychain is not asked (it may be out of reach, or locked and asking for
// its password). With keepToken the keychain is not asked either and its
// entries stay there: for an operator who chose that because the keychain
// is out of reach.
func (s *Service) Remove(ctx context.Context, nameOrID string, keepToken bool) (profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return p, err
	}
	if HoldsKeychainEntries(p) && !keepToken {
		if err := s.credentials().RemoveAll(ctx, p.ID); err != nil && !errors.Is(err, vault.ErrNotFound) {
			return p, &TokenKeptError{Profile: p, Err: err}
		}
	}
	for _, dir := range []string{WebDataDir(p.ID), CacheDir(p.ID)} {
		if err := os.RemoveAll(dir); err != nil {
			return p, fmt.Errorf("remove %s: %w", dir, err)
		}
	}
	err = s.Profiles.Update(func(f *profiles.File) error {
		_, err := f.Remove(p.ID)
		return err
	})
	return p, err
}

// HoldsKeychainEntries reports whether the profile may have entries in the
// keychain: a token (it is signed in) or a client secret (it uses the code
// grant).
func HoldsKeychainEntries(p profiles.Profile) bool {
	return p.Token.SignedIn || p.EffectiveGrant() == oauth.GrantCode
}

// TokenKeptError: a signed-in profile was not removed because its token
// could not be deleted from the keychain. Err says why (a
// *vault.UnavailableError or *vault.TimeoutError, usually).
type TokenKeptError struct {
	Profile profiles.Profile
	Err     error
}

func (e *TokenKeptError) Error() string {
	return fmt.Sprintf("profile %q was not removed: its token could not be deleted from the keychain: %v", e.Profile.Name, e.Err)
}

func (e *TokenKeptError) Unwrap() error { return e.Err }

// Why says in the operator's words why the keychain could not delete the
// token.
func (e *TokenKeptError) Why() string {
	var (
		unavailable *vault.UnavailableError
		slow        *vault.TimeoutError
	)
	switch {
	case errors.As(e.Err, &unavailable):
		return "the keychain cannot be reached (" + unavailable.Reason + ")"
	case errors.As(e.Err, &slow):
		return "the keychain did not answer; it may be locked and waiting for its password"
	}
	return "the keychain refused: " + e.Err.Error()
}

// RemoveAll removes every profile with its token, sign-in session and
// cache, then Partnerdesk's own folders: for leaving a machine clean. It
// goes on past a profile it cannot remove and returns the first error.
func (s *Service) RemoveAll(ctx context.Context) error {
	file, err := s.Profiles.LoadTolerant(nil)
	if err != nil {
		return err
	}
	var first error
	for _, p := range file.Profiles {
		if _, err := s.Remove(ctx, p.ID, false); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	for _, dir := range paths.All() {
		if err := os.RemoveAll(dir); err != nil && first == nil {
			first = fmt.Errorf("remove %s: %w", dir, err)
		}
	}
	return first
}
