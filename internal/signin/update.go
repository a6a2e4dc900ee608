package signin

import (
	"context"
	"errors"
	"fmt"

	"partnerdesk/internal/profiles"
)

// ErrSignedInMeanwhile: the profile was signed in again while its client ID
// or addresses were being changed; nothing was changed.
var ErrSignedInMeanwhile = errors.New("the profile was signed in while its settings were being changed; nothing was changed, try again")

// Update changes a profile's settings (change gets a copy of them) and
// saves them once profiles.CheckInput accepts them; the id, the sandbox mark
// and the token facts stay. It is the one place the GUI and the CLI change
// a profile.
//
// A token is bound to where it was issued: when the client ID, the
// authorize URL or the API base URL changes (profiles.BindingChanges) and
// the profile is signed in, Update signs it out first, as SignOut does
// (token out of the keychain, sign-in session cleared, token facts
// forgotten), and records why, so the old token never goes to a new host.
// When that sign-out fails, nothing is changed; when the profile is signed
// in again meanwhile, the change is refused (ErrSignedInMeanwhile).
// signedOut reports that the token was dropped.
//
// A client secret belongs to one client and goes to one token URL: when a
// code-grant profile's client ID or token URL changes, or it stops using the
// code grant (profiles.DropsClientSecret), the secret is removed from the
// keychain too, before anything is saved.
func (s *Service) Update(ctx context.Context, nameOrID string, change func(*profiles.Profile)) (saved profiles.Profile, signedOut bool, err error) {
	old, err := s.profile(nameOrID)
	if err != nil {
		return old, false, err
	}
	next := old
	next.Scopes = append([]string(nil), old.Scopes...)
	change(&next)
	if err := profiles.CheckInput(next); err != nil {
		return old, false, err
	}
	changes := profiles.BindingChanges(old, next)
	if len(changes) > 0 && old.Token.SignedIn {
		if err := s.dropToken(ctx, old.ID); err != nil {
			return old, false, fmt.Errorf("sign out before the %s changes: %w", changes[0], err)
		}
		signedOut = true
	}
	if profiles.DropsClientSecret(old, next) {
		if err := s.credentials().RemoveClientSecret(ctx, old.ID); err != nil {
			return old, signedOut, fmt.Errorf("remove the client secret before the profile changes: %w", err)
		}
	}
	err = s.Profiles.Update(func(f *profiles.File) error {
		p, ok := f.Find(old.ID)
		if !ok {
			return fmt.Errorf("%w: the profile was removed meanwhile", profiles.ErrUnknown)
		}
		if other, taken := f.Find(next.Name); taken && other.ID != p.ID {
			return fmt.Errorf("%w: another profile is already named %q", profiles.ErrExists, other.Name)
		}
		// A sign-in that finished after the token was looked at holds a
		// token issued for the old settings: leave both as they are.
		dropped := signedOut && sameSignIn(p.Token, old.Token)
		if p.Token.SignedIn && !dropped && len(profiles.BindingChanges(*p, next)) > 0 {
			return ErrSignedInMeanwhile
		}
		current := *p
		*p = next
		p.ID, p.Sandbox, p.Token = current.ID, current.Sandbox, current.Token
		if signedOut {
			p.Token = profiles.TokenMeta{SignedOutReason: profiles.SignedOutReason(changes)}
		}
		saved = *p
		return nil
	})
	if _, err := profiles.Saved(err); err != nil {
		return old, signedOut, err
	}
	return saved, signedOut, nil
}

// sameSignIn reports whether two token facts are of the same sign-in.
func sameSignIn(a, b profiles.TokenMeta) bool {
	return a.SignedIn == b.SignedIn && (a.ObtainedAt == nil) == (b.ObtainedAt == nil) &&
		(a.ObtainedAt == nil || a.ObtainedAt.Equal(*b.ObtainedAt))
}
