package desktop

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/explain"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
)

// What the app does with a code-grant profile's other secrets: its client
// secret, which the page sends once (SetClientSecret) and never gets back,
// and its refresh token, with which the app renews the access token without
// a window, before it expires and after the API rejected it. Both stay in
// the keychain, and every rule about them is internal/signin's (Token,
// Renew, SetClientSecret over credential.Source and credential.Store): the
// same lock as the command line's, so the app and any number of
// `partnerdesk token` renewing at once make one request. The page learns
// only whether a client secret is stored.

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
	has, err := sh.service.HasClientSecret(sh.context(), p.ID)
	if err != nil {
		return false
	}
	sh.secrets.set(p.ID, !has)
	return !has
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
	_, err = s.service.SetClientSecret(s.context(), p.ID, oauth.ClientSecret(secret))
	s.noteKeychain(err)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	s.secrets.set(p.ID, false)
	s.changed()
	return s.view(p, time.Now()), nil
}

// refresh renews a code-grant profile's access token with its refresh
// token, without a window: when it is due (rejected == "") or after the API
// rejected the token rejected. A refused refresh token signs the profile
// out (credential.Source removed the tokens), and its card then asks the
// operator to sign in again; other failures (no network) are tried again
// by the next round of the renewal loop.
func (sh *shared) refresh(p profiles.Profile, rejected string) error {
	ctx := sh.context()
	before := sh.keychainToken(ctx, p.ID)
	var token string
	var err error
	switch {
	case rejected != "":
		token, err = sh.service.Renew(ctx, p.ID, rejected)
	case before != "":
		// Due: renewed as if rejected, so that it happens refreshLead
		// before expiry (signin's own margin is a minute); a token
		// another process renewed meanwhile is taken as it is.
		token, err = sh.service.Renew(ctx, p.ID, before)
	default:
		token, _, err = sh.service.Token(ctx, p.ID) // the access token is missing: renewed
	}
	var out *credential.SignedOutError
	switch {
	case errors.As(err, &out) && out.Reason == credential.RefreshRefused:
		// signin noted why in the token facts; the card asks to sign in again.
		sh.forgetShown(p.ID)
		sh.changed()
		return err
	case err != nil:
		slog.Info("renewal without a window failed", "profile", p.ID, "error", explain.Message(err))
		return err
	}
	if token != before {
		sh.renewed(p.ID)
		sh.changed()
	}
	return nil
}

// renewed notes in a profile's token facts that a renewal gave a new
// access token now.
func (sh *shared) renewed(id string) {
	now := time.Now().UTC().Truncate(time.Second)
	err := sh.store.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok || p.ID != id {
			return profiles.ErrUnknown
		}
		p.Token.SignedIn = true
		p.Token.ObtainedAt = &now // beside the new expiry signin saved, which cleared "rejected"
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
