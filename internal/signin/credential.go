package signin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/paths"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/vault"
)

// NoClientSecretError: a code-grant profile cannot sign in or renew its
// token because no client secret is stored for it. It matches
// oauth.ErrNoClientSecret.
type NoClientSecretError struct {
	Profile string // the profile's name
}

func (e *NoClientSecretError) Error() string {
	return fmt.Sprintf("Profile %q has no client secret stored. Add the client secret from your app's page on Zapier, then sign in.", e.Profile)
}

// Is makes it match oauth.ErrNoClientSecret.
func (e *NoClientSecretError) Is(target error) bool { return target == oauth.ErrNoClientSecret }

// ErrNotCodeGrant: only a profile signing in with the code grant keeps a
// client secret.
var ErrNotCodeGrant = errors.New("This profile does not sign in with a client secret. In its settings, answer \"Yes, my app has a client secret\" first (on the command line: partnerdesk profile add NAME --update --grant code --client-secret-stdin).")

// credentials is where profiles' credentials are kept: the tokens and the
// client secret in the keychain (s.Vault), the expiry in the profile's
// token facts.
func (s *Service) credentials() *credential.Store {
	return &credential.Store{Keychain: s.Vault, Expiries: s.Profiles}
}

// tokenEndpoint is a code-grant profile's token endpoint, with its client
// secret from the keychain.
func (s *Service) tokenEndpoint(ctx context.Context, p profiles.Profile) (oauth.TokenEndpoint, error) {
	secret, err := s.credentials().ClientSecret(ctx, p.ID)
	if errors.Is(err, oauth.ErrNoClientSecret) {
		return oauth.TokenEndpoint{}, &NoClientSecretError{Profile: p.Name}
	}
	if err != nil {
		return oauth.TokenEndpoint{}, err
	}
	logging.AddClientCredentials(p.ClientID, string(secret))
	return oauth.TokenEndpoint{URL: p.EffectiveTokenURL(), ClientID: p.ClientID, ClientSecret: secret, HTTPClient: s.HTTP}, nil
}

// SetClientSecret stores the client secret of a code-grant profile in the
// keychain, replacing any other. The tokens stay: they were issued to the
// same client. It is the one way a secret goes in, for the app's form and
// `profile add --client-secret-stdin` alike.
func (s *Service) SetClientSecret(ctx context.Context, nameOrID string, secret oauth.ClientSecret) (profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return p, err
	}
	if p.EffectiveGrant() != oauth.GrantCode {
		return p, ErrNotCodeGrant
	}
	logging.AddClientCredentials(p.ClientID, string(secret))
	return p, s.credentials().SaveClientSecret(ctx, p.ID, secret)
}

// HasClientSecret reports whether a client secret is stored for the
// profile, without returning it: for "stored in the keychain".
func (s *Service) HasClientSecret(ctx context.Context, nameOrID string) (bool, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return false, err
	}
	_, err = s.credentials().ClientSecret(ctx, p.ID)
	if errors.Is(err, oauth.ErrNoClientSecret) {
		return false, nil
	}
	return err == nil, err
}

// HasToken reports whether a profile has a token in the keychain (for the
// code grant, an access or a refresh token), without renewing or returning
// it: for `status` and `logout`.
func (s *Service) HasToken(ctx context.Context, nameOrID string) (bool, profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return false, p, err
	}
	if p.EffectiveGrant() == oauth.GrantCode {
		_, err = s.credentials().Load(ctx, p.ID)
	} else {
		_, err = s.Vault.Get(ctx, p.ID)
	}
	if errors.Is(err, vault.ErrNotFound) {
		return false, p, nil
	}
	return err == nil, p, err
}

// Token returns a valid access token of a profile, for the operator who
// asked for it or a call to the API. A code-grant profile's token is
// renewed first when less than a minute of it remains, without a window;
// an implicit-grant profile's is the stored one, as it is. No token, or
// none to be had without a window, is a *credential.SignedOutError.
func (s *Service) Token(ctx context.Context, nameOrID string) (string, profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return "", p, err
	}
	if p.EffectiveGrant() == oauth.GrantCode {
		token, err := s.tokenSource(p).Token(ctx)
		return token, p, err
	}
	token, err := s.Vault.Get(ctx, p.ID)
	if err == nil {
		logging.AddSecret(token)
	}
	return token, p, err
}

// Renew renews a code-grant profile's token that the API rejected, or
// returns the one another process stored meanwhile.
func (s *Service) Renew(ctx context.Context, nameOrID, rejected string) (string, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return "", err
	}
	if p.EffectiveGrant() != oauth.GrantCode {
		return "", &credential.SignedOutError{Profile: p.Name, Reason: credential.Expired}
	}
	return s.tokenSource(p).Renew(ctx, rejected)
}

// tokenSource is a code-grant profile's credential.Source, which also
// records in the profile's token facts when the provider refused the
// refresh token (the tokens are gone: the app and `status` then say the
// profile is signed out).
func (s *Service) tokenSource(p profiles.Profile) *tokenSource {
	return &tokenSource{s: s, p: p}
}

// tokenSource keeps one credential.Source for its life (one API client: one
// list or one command), so that the keychain is read once rather than
// before every request: a new Source per call cost a keychain round trip
// per page.
type tokenSource struct {
	s *Service
	p profiles.Profile

	mu  sync.Mutex
	src *credential.Source // made at the first call
}

func (t *tokenSource) source(ctx context.Context) (*credential.Source, error) {
	// The sandbox profile's token URL answers only while the sandbox runs:
	// asked at every call, as the sandbox may stop during a list.
	if _, _, err := t.s.endpoints(t.p); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.src == nil {
		endpoint := oauth.TokenEndpoint{URL: t.p.EffectiveTokenURL(), ClientID: t.p.ClientID, HTTPClient: t.s.HTTP}
		t.src = &credential.Source{ProfileID: t.p.ID, ProfileName: t.p.Name, Store: t.s.credentials(),
			Endpoint: endpoint, LockDir: paths.Locks(), Now: t.s.Now, OnWait: t.s.RenewWait}
	}
	return t.src, nil
}

// Token gives the valid access token.
func (t *tokenSource) Token(ctx context.Context) (string, error) {
	src, err := t.source(ctx)
	if err != nil {
		return "", err
	}
	token, err := src.Token(ctx)
	return token, t.signedOut(err)
}

// Renew renews a rejected access token.
func (t *tokenSource) Renew(ctx context.Context, rejected string) (string, error) {
	src, err := t.source(ctx)
	if err != nil {
		return "", err
	}
	token, err := src.Renew(ctx, rejected)
	return token, t.signedOut(err)
}

// RefreshRefusedNote is what the profile's token facts say after the
// provider refused its refresh token.
const RefreshRefusedNote = "Signed out because Zapier no longer accepts the saved sign-in (it was revoked, or renewed by a copy of Partnerdesk elsewhere). Sign in again."

// signedOut records a refused refresh token in the token facts, and
// returns err as it is.
func (t *tokenSource) signedOut(err error) error {
	var out *credential.SignedOutError
	if errors.As(err, &out) && out.Reason == credential.RefreshRefused {
		if _, ferr := t.s.updateToken(t.p.ID, func(m *profiles.TokenMeta) {
			*m = profiles.TokenMeta{SignedOutReason: RefreshRefusedNote}
		}); ferr != nil {
			return fmt.Errorf("%w (and recording it failed: %w)", err, ferr)
		}
	}
	if errors.Is(err, oauth.ErrNoClientSecret) {
		return &NoClientSecretError{Profile: t.p.Name}
	}
	return err
}
