package profiles

import (
	"fmt"
	"time"
)

// Expiry returns when the profile's access token expires, from its token
// facts; the zero time when unknown (or the profile is gone). With SetExpiry
// it lets credential.Store keep expiries in profiles.json, beside the other
// facts about the token, while the tokens stay in the keychain.
func (s *Store) Expiry(profileID string) (time.Time, error) {
	f, err := s.LoadTolerant(nil)
	if err != nil {
		return time.Time{}, err
	}
	p, ok := f.Find(profileID)
	if !ok || p.Token.ExpiresAt == nil {
		return time.Time{}, nil
	}
	return *p.Token.ExpiresAt, nil
}

// SetExpiry records the expiry of the profile's access token. A new expiry
// is that of a new token (a sign-in or a renewal), which the API has not
// rejected: the mark that it did is cleared. The zero time clears the
// expiry.
func (s *Store) SetExpiry(profileID string, expiry time.Time) error {
	err := s.Update(func(f *File) error {
		p, ok := f.Find(profileID)
		if !ok {
			return fmt.Errorf("%w: the profile was removed meanwhile", ErrUnknown)
		}
		if expiry.IsZero() {
			p.Token.ExpiresAt = nil
			return nil
		}
		expiry = expiry.UTC()
		p.Token.ExpiresAt = &expiry
		if p.Token.Invalid {
			p.Token.Invalid, p.Token.LastVerifyNote = false, ""
		}
		return nil
	})
	_, err = Saved(err)
	return err
}
