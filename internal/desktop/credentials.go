package desktop

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/explain"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/paths"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/vault"
)

// What the app does with a code-grant profile's other secrets: its client
// secret, which the page sends once (SetClientSecret) and never gets back,
// and its refresh token, with which the app renews the access token without
// a window (credential.Source), before it expires and after the API
// rejected it. Both stay in the keychain; the page learns only whether a
// client secret is stored.

// refreshLead is how long before an access token expires the app renews it
// with the refresh token: the renewal loop looks every minute, so a token
// is renewed 4 to 5 minutes before it would stop working, never in the
// middle of a list being loaded.
const refreshLead = 5 * time.Minute

// maxClientSecret is the longest client secret the app takes: Zapier's are
// a few dozen characters; anything much longer is a paste gone wrong.
const maxClientSecret = 512

// errNoSecretTyped is SetClientSecret's answer to an empty field.
var errNoSecretTyped = errors.New("Type or paste the client secret first. You find it beside the client ID on your app's page in Zapier's developer platform.")

// secretsKnown remembers, per profile, whether the keychain holds a client
// secret, so the page's state does not ask the keychain each time. It is
// forgotten when profiles.json changes under the app (the command line may
// have added or removed a secret).
type secretsKnown struct {
	mu      sync.Mutex
	missing map[string]bool // profile id -> the keychain said there is none
}

func (k *secretsKnown) get(id string) (missing, known bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	missing, known = k.missing[id]
	return missing, known
}

func (k *secretsKnown) set(id string, missing bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.missing == nil {
		k.missing = map[string]bool{}
	}
	k.missing[id] = missing
}

// forget drops what is known of a profile, or of every profile ("").
func (k *secretsKnown) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id == "" {
		k.missing = nil
	} else {
		delete(k.missing, id)
	}
}

// credentials is the keychain layout of internal/credential over the app's
// keychain session (so "keep tokens in memory" covers the refresh token and
// the client secret too) and profiles.json's token metadata.
func (sh *shared) credentials() *credential.Store {
	return &credential.Store{Keychain: sh.keychain, Expiries: expiries{sh.store}}
}

// expiries keeps access tokens' expiry times in profiles.json's token
// metadata, where the implicit grant keeps them too.
type expiries struct{ store *profiles.Store }

func (e expiries) Expiry(id string) (time.Time, error) {
	f, err := e.store.Load()
	if err != nil {
		return time.Time{}, err
	}
	p, ok := f.Find(id)
	if !ok || p.ID != id || p.Token.ExpiresAt == nil {
		return time.Time{}, nil
	}
	return *p.Token.ExpiresAt, nil
}

func (e expiries) SetExpiry(id string, t time.Time) error {
	return e.store.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok || p.ID != id {
			return profiles.ErrUnknown
		}
		if t.IsZero() {
			p.Token.ExpiresAt = nil
		} else {
			t = t.UTC()
			p.Token.ExpiresAt = &t
		}
		return nil
	})
}

// clientSecretMissing tells whether a code-grant profile is known to have
// no client secret in the keychain. A keychain that cannot be asked now
// tells nothing (false): the page then asks for no secret it may have.
func (sh *shared) clientSecretMissing(p profiles.Profile) bool {
	if p.EffectiveGrant() != oauth.GrantCode {
		return false
	}
	if missing, known := sh.secrets.get(p.ID); known {
		return missing
	}
	_, err := sh.credentials().ClientSecret(sh.context(), p.ID)
	switch {
	case err == nil:
		sh.secrets.set(p.ID, false)
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, oauth.ErrNoClientSecret):
		sh.secrets.set(p.ID, true)
	default:
		return false
	}
	missing, _ := sh.secrets.get(p.ID)
	return missing
}

// SetClientSecret stores the client secret of a code-grant profile in the
// keychain, replacing any other. The page sends it once, typed into a
// password field, and keeps no copy; no bound method gives it back: the
// page only learns that one is stored (ProfileView.ClientSecretMissing).
func (s *Profiles) SetClientSecret(id, secret string) (ProfileView, error) {
	called("SetClientSecret")
	return s.storeClientSecret(id, secret)
}

func (s *Profiles) storeClientSecret(id, secret string) (ProfileView, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return ProfileView{}, errNoSecretTyped
	}
	if len(secret) > maxClientSecret || strings.ContainsAny(secret, "\r\n\t ") {
		return ProfileView{}, errors.New("That does not look like a client secret: it is one word of letters and digits. Copy it again from your app's page in Zapier's developer platform.")
	}
	p, err := s.profile(id)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	if p.EffectiveGrant() != oauth.GrantCode {
		return ProfileView{}, errors.New("This profile's app signs in without a client secret. To use one, edit the profile and choose “My app has a client secret” first.")
	}
	err = s.credentials().SaveClientSecret(s.context(), p.ID, oauth.ClientSecret(secret))
	s.noteKeychain(err)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	s.secrets.set(p.ID, false)
	s.changed()
	return s.view(p, time.Now()), nil
}

// source is the profile's token source for renewals without a window. Its
// lock directory is the one the command line's `partnerdesk token` uses, so
// the app and any number of commands renewing at once make one request.
func (sh *shared) source(p profiles.Profile, margin time.Duration) (*credential.Source, error) {
	if sh.service.Endpoints != nil {
		// The built-in sandbox's profile needs the sandbox running.
		if _, _, err := sh.service.Endpoints(p); err != nil {
			return nil, err
		}
	}
	return &credential.Source{
		ProfileID: p.ID, ProfileName: p.Name, Store: sh.credentials(),
		Endpoint: oauth.TokenEndpoint{URL: p.EffectiveTokenURL(), ClientID: p.ClientID},
		LockDir:  renewLockDir(), Margin: margin,
	}, nil
}

// renewLockDir is where the renewal locks live: beside profiles.json, which
// the app and the command line share.
func renewLockDir() string { return filepath.Join(paths.Config(), "locks") }

// refresh renews a code-grant profile's access token with its refresh
// token, without a window: when it is due (rejected == "") or after the API
// rejected the token rejected. A refused refresh token signs the profile
// out (credential.Source removed the tokens), and its card then asks the
// operator to sign in again; other failures (no network) are tried again
// by the next round of the renewal loop.
func (sh *shared) refresh(p profiles.Profile, rejected string) error {
	src, err := sh.source(p, refreshLead)
	if err != nil {
		return err
	}
	ctx := sh.context()
	before, _ := sh.credentials().Load(ctx, p.ID)
	var token string
	if rejected != "" {
		token, err = src.Renew(ctx, rejected)
	} else {
		token, err = src.Token(ctx)
	}
	var out *credential.SignedOutError
	switch {
	case errors.As(err, &out) && out.Reason == credential.RefreshRefused:
		sh.forgetShown(p.ID)
		sh.signedOutByZapier(p.ID)
		sh.changed()
		return err
	case err != nil:
		slog.Info("renewal without a window failed", "profile", p.ID, "error", explain.Message(err))
		return err
	}
	if token != before.AccessToken || rejected != "" {
		sh.renewed(p.ID)
		sh.changed()
	}
	return nil
}

// reasonRefreshRefused is what the card of a profile says after Zapier
// refused its refresh token.
const reasonRefreshRefused = "Zapier no longer accepts this profile's saved sign-in (it was revoked, or renewed by a copy of Partnerdesk on another computer), so Partnerdesk signed it out. Sign in again to go on."

// signedOutByZapier forgets the token facts of a profile whose refresh
// token Zapier refused, and says why on its card.
func (sh *shared) signedOutByZapier(id string) {
	err := sh.store.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok || p.ID != id {
			return profiles.ErrUnknown
		}
		p.Token = profiles.TokenMeta{SignedOutReason: reasonRefreshRefused}
		return nil
	})
	if err != nil {
		slog.Info("could not note the sign-out", "profile", id, "error", err)
	}
}

// renewed notes in a profile's token facts that a renewal gave a new
// access token: obtained now, and not the one the API rejected.
func (sh *shared) renewed(id string) {
	now := time.Now().UTC().Truncate(time.Second)
	err := sh.store.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok || p.ID != id {
			return profiles.ErrUnknown
		}
		p.Token.SignedIn = true
		p.Token.ObtainedAt = &now
		if p.Token.Invalid {
			p.Token.Invalid = false
			p.Token.LastVerifyNote = ""
		}
		return nil
	})
	if err != nil {
		slog.Info("could not note the renewal", "profile", id, "error", err)
	}
}

// renewsWithoutWindow tells whether p renews its token with a refresh token
// rather than a silent sign-in in a hidden window.
func renewsWithoutWindow(p profiles.Profile) bool {
	return p.EffectiveGrant() == oauth.GrantCode && p.Token.SignedIn
}

// refreshDue renews the tokens of the signed-in code-grant profiles in list
// whose access token expires within refreshLead at now, or has expired.
func (sh *shared) refreshDue(list []profiles.Profile, now time.Time) {
	for _, p := range list {
		if renewsWithoutWindow(p) && p.Token.ExpiresAt != nil && p.Token.ExpiresAt.Sub(now) < refreshLead {
			sh.refresh(p, "")
		}
	}
}

// keychainToken reads a profile's access token, for Renew's "this one was
// rejected".
func (sh *shared) keychainToken(ctx context.Context, id string) string {
	token, err := sh.keychain.Get(ctx, id)
	if err != nil {
		return ""
	}
	return token
}
