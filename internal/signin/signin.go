// Package signin signs a profile in, checks its token, and signs it out.
//
// One sign-in attempt: the flow of the profile's grant (internal/oauth: a
// fresh state, and for the code grant PKCE and the client secret from the
// keychain), the authorize URL in the sign-in window (or the system
// browser, through the loopback relay or a pasted address: the same for
// both grants), the redirect checked by the flow (for the code grant, its
// code traded at the token URL), the credential into the keychain
// (internal/credential), the non-secret metadata into the profile, then a
// live call to /v1/profiles/me to record who signed in. The package holds
// no token or secret longer than one call (but an API client's code-grant
// token for that client's life: one list or one command) and never writes
// one anywhere but the vault.
//
// A code-grant profile's token is renewed without a window
// (credential.Source, through Token, Renew and APIClient); a refresh token
// the provider refuses signs the profile out, and its token facts say so.
//
// It does not show anything itself: the window is passed in, and progress is
// reported through a callback the GUI or the CLI turns into words.
package signin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/paths"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// Stage is a step of a sign-in the operator may be told about.
type Stage string

const (
	StageOpening   Stage = "opening"   // the sign-in window is being opened
	StageWaiting   Stage = "waiting"   // waiting for the operator on the provider's page
	StageBrowser   Stage = "browser"   // waiting for the operator in the system browser
	StageStoring   Stage = "storing"   // saving the token in the keychain
	StageVerifying Stage = "verifying" // asking the API who signed in
	StageKeychain  Stage = "keychain-slow"
)

// Vault is the keychain as this package uses it. *vault.Vault satisfies it.
type Vault interface {
	Get(ctx context.Context, profileID string) (string, error)
	Set(ctx context.Context, profileID, token string) error
	Delete(ctx context.Context, profileID string) error
}

// Endpoints resolves where a profile signs in and calls the API; for the
// built-in sandbox it also makes sure the sandbox runs.
type Endpoints func(p profiles.Profile) (authorizeURL, apiBaseURL string, err error)

// Service signs profiles in and out. Its zero value is not usable: set
// Profiles, Vault and Window.
type Service struct {
	Profiles  *profiles.Store
	Vault     Vault
	Window    Window
	Endpoints Endpoints         // nil: the profile's own URLs
	Browser   Browser           // opens the system browser, for the browser methods
	HTTP      *http.Client      // nil: partnerapi's default
	Now       func() time.Time  // nil: time.Now
	Progress  func(stage Stage) // may be nil
	// RenewWait, if not nil, is called when a renewal of a code-grant
	// token waits for another Partnerdesk renewing the same profile.
	RenewWait func()
}

// Options tune one attempt.
type Options struct {
	Force bool // approval_prompt=force: ask the operator again even if the provider remembers
	// Silent renews without bothering the operator when the provider allows:
	// approval_prompt=auto in a hidden window that shows itself only if the
	// provider needs the operator. One attempt, never retried.
	Silent  bool
	Timeout time.Duration // give up when no redirect came; 0 = no limit
}

// ErrSettingsChanged: the profile's client ID or addresses changed while
// the sign-in was under way; the token, issued for the old ones, was
// dropped.
var ErrSettingsChanged = errors.New("the profile's client ID or addresses changed during the sign-in, so its token was not kept; sign in again")

// ErrVerifyFailed wraps a failed live check after a successful sign-in: the
// token is stored, but who it belongs to could not be learnt.
var ErrVerifyFailed = errors.New("signed in, but the account could not be checked")

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) progress(st Stage) {
	if s.Progress != nil {
		s.Progress(st)
	}
}

func (s *Service) endpoints(p profiles.Profile) (string, string, error) {
	if s.Endpoints != nil {
		return s.Endpoints(p)
	}
	return p.EffectiveAuthorizeURL(), p.EffectiveAPIBaseURL(), nil
}

// WebDataDir is where the sign-in window keeps a profile's provider cookies.
// Deleting it signs the provider's session out.
func WebDataDir(profileID string) string {
	return paths.WebData(profileID)
}

// attempt is one sign-in under way: its profile and its flow (the state,
// and for the code grant the PKCE verifier and the token endpoint).
type attempt struct {
	profile profiles.Profile
	apiBase string
	flow    oauth.Flow
}

// begin prepares an attempt with the flow of the profile's grant. Both
// grants are caught the same way (window, loopback relay or paste); only
// the flow knows how to read the answer. A code-grant profile needs its
// client secret from the keychain: without one it is a
// *NoClientSecretError.
func (s *Service) begin(ctx context.Context, nameOrID string, force bool) (*attempt, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return nil, err
	}
	authorizeURL, apiBase, err := s.endpoints(p)
	if err != nil {
		return nil, err
	}
	prompt := oauth.PromptAuto
	if force {
		prompt = oauth.PromptForce
	}
	req := oauth.Request{
		AuthorizeURL: authorizeURL,
		ClientID:     p.ClientID,
		RedirectURI:  p.RedirectURI,
		Scopes:       p.Scopes,
		Prompt:       prompt,
	}
	var flow oauth.Flow
	switch p.EffectiveGrant() {
	case oauth.GrantCode:
		endpoint, err := s.tokenEndpoint(ctx, p)
		if err != nil {
			return nil, err
		}
		flow, err = oauth.NewCodeFlow(req, endpoint)
		if err != nil {
			return nil, err
		}
	default:
		flow, err = oauth.NewImplicitFlow(req)
		if err != nil {
			return nil, err
		}
	}
	return &attempt{profile: p, apiBase: apiBase, flow: flow}, nil
}

// SignIn runs one attempt in the sign-in window for the profile with the
// given name or id and returns the profile as saved. A failed live check
// after the token was stored returns the saved profile and an error
// wrapping ErrVerifyFailed.
func (s *Service) SignIn(ctx context.Context, nameOrID string, opts Options) (profiles.Profile, error) {
	a, err := s.begin(ctx, nameOrID, opts.Force)
	if err != nil {
		return profiles.Profile{}, err
	}
	s.progress(StageOpening)
	windowOpts := window.Options{
		AuthorizeURL: a.flow.AuthorizeURL(),
		RedirectURI:  a.profile.RedirectURI,
		DataDir:      WebDataDir(a.profile.ID),
		Timeout:      opts.Timeout,
		Title:        "Partnerdesk sign-in",
		Hidden:       opts.Silent && !opts.Force,
	}
	s.progress(StageWaiting)
	redirect, err := s.showWindow(ctx, windowOpts)
	if err != nil {
		return a.profile, err
	}
	// The window only hands back the registered redirect_uri; checking again
	// costs nothing and keeps a faulty window from feeding ParseRedirect.
	if m, err := oauth.NewMatcher(a.profile.RedirectURI); err != nil || !m.Match(redirect) {
		return a.profile, oauth.ErrNotRedirectURI
	}
	return s.finish(ctx, a, redirect)
}

// finish judges the redirect of an attempt (for the code grant: trades its
// code at the token endpoint), stores the credential, records its facts and
// checks who signed in.
func (s *Service) finish(ctx context.Context, a *attempt, redirect string) (profiles.Profile, error) {
	p := a.profile
	redirected := time.Now()
	tok, err := a.flow.Finish(ctx, redirect)
	if err != nil {
		return p, err
	}
	// Scrubbed from the log in any form, from now on.
	logging.AddSecret(tok.AccessToken)
	logging.AddSecret(tok.RefreshToken)

	s.progress(StageStoring)
	obtained := s.now()
	keychainStart := time.Now()
	if err := s.credentials().Save(ctx, p.ID, credential.FromToken(p.EffectiveGrant(), tok, obtained)); err != nil {
		return p, err
	}
	// For `make bench` (PARTNERDESK_DEBUG=1): durations only, never the token.
	slog.Debug("token stored", "redirect_to_stored_ms", time.Since(redirected).Seconds()*1000, "keychain_ms", time.Since(keychainStart).Seconds()*1000)
	var saved profiles.Profile
	err = s.Profiles.Update(func(f *profiles.File) error {
		now, ok := f.Find(p.ID)
		if !ok {
			return fmt.Errorf("the profile was removed meanwhile")
		}
		if len(profiles.BindingChanges(p, *now)) > 0 {
			return ErrSettingsChanged
		}
		now.Token = profiles.TokenMeta{SignedIn: true, ObtainedAt: &obtained, Scopes: tok.Scopes}
		if tok.ExpiresIn > 0 {
			exp := obtained.Add(tok.ExpiresIn)
			now.Token.ExpiresAt = &exp
		}
		saved = *now
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrSettingsChanged) {
			// Issued for the old settings: it must not go to the new ones.
			s.credentials().SignOut(ctx, p.ID)
		}
		return p, err
	}

	s.progress(StageVerifying)
	client := &partnerapi.Client{BaseURL: a.apiBase, Token: tok.AccessToken, HTTP: s.HTTP}
	verified, err := s.check(ctx, saved, client)
	if err != nil {
		return verified, fmt.Errorf("%w: %w", ErrVerifyFailed, err)
	}
	return verified, nil
}

func (s *Service) profile(nameOrID string) (profiles.Profile, error) {
	f, err := s.Profiles.LoadTolerant(nil)
	if err != nil {
		return profiles.Profile{}, err
	}
	p, err := f.Resolve(nameOrID)
	if err != nil {
		return profiles.Profile{}, err
	}
	return *p, nil
}

// updateToken changes one profile's token metadata under the file lock and
// returns the profile as saved.
func (s *Service) updateToken(id string, change func(*profiles.TokenMeta)) (profiles.Profile, error) {
	var saved profiles.Profile
	err := s.Profiles.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok {
			return fmt.Errorf("the profile was removed meanwhile")
		}
		change(&p.Token)
		saved = *p
		return nil
	})
	return saved, err
}

// check asks the API who the token belongs to, through client, and records
// the answer. A rejected token is marked invalid: the operator is offered to
// sign in again.
func (s *Service) check(ctx context.Context, p profiles.Profile, client *partnerapi.Client) (profiles.Profile, error) {
	me, apiErr := client.Me(ctx)
	checked := s.now()
	saved, err := s.updateToken(p.ID, func(m *profiles.TokenMeta) {
		m.LastVerifiedAt = &checked
		m.LastVerifyOK = apiErr == nil
		switch {
		case apiErr == nil:
			m.Invalid = false
			m.LastVerifyNote = "The token works."
			m.Identity = &profiles.Identity{ID: me.ID.String(), FullName: me.FullName, Email: me.Email}
		case errors.Is(apiErr, partnerapi.ErrTokenRejected):
			m.Invalid = true
			m.LastVerifyNote = "Zapier no longer accepts this token."
		default:
			m.LastVerifyNote = "The check could not be completed."
		}
	})
	if err != nil {
		return p, err
	}
	return saved, apiErr
}

// Verify checks the stored token of a profile live and records the result.
// A code-grant profile's token is renewed first when it is about to expire,
// and once more if the API rejects it.
func (s *Service) Verify(ctx context.Context, nameOrID string) (profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return p, err
	}
	_, apiBase, err := s.endpoints(p)
	if err != nil {
		return p, err
	}
	client := &partnerapi.Client{BaseURL: apiBase, HTTP: s.HTTP}
	if p.EffectiveGrant() == oauth.GrantCode {
		client.Tokens = s.tokenSource(p)
	} else if client.Token, err = s.Vault.Get(ctx, p.ID); err != nil {
		return p, err
	}
	logging.AddSecret(client.Token)
	return s.check(ctx, p, client)
}

// SignOut deletes a profile's access and refresh tokens from the keychain
// (its client secret stays), clears the provider session of its sign-in window, and forgets the token's metadata. Zapier
// offers no revocation: the token itself stays valid until it expires.
func (s *Service) SignOut(ctx context.Context, nameOrID string) (profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return p, err
	}
	if err := s.dropToken(ctx, p.ID); err != nil {
		return p, err
	}
	return s.updateToken(p.ID, func(m *profiles.TokenMeta) { *m = profiles.TokenMeta{} })
}

// dropToken deletes a profile's refresh and access tokens from the
// keychain and clears the provider session of its sign-in window; the
// caller forgets the token's metadata. The client secret stays.
func (s *Service) dropToken(ctx context.Context, profileID string) error {
	if err := s.credentials().SignOut(ctx, profileID); err != nil {
		return err
	}
	if err := os.RemoveAll(WebDataDir(profileID)); err != nil {
		return fmt.Errorf("clear the sign-in session: %w", err)
	}
	return nil
}

// Forget clears a profile's token facts without touching the keychain: for
// a token that is already gone.
func (s *Service) Forget(profileID string) error {
	_, err := s.updateToken(profileID, func(m *profiles.TokenMeta) { *m = profiles.TokenMeta{} })
	return err
}

func isNotFound(err error) bool { return errors.Is(err, vault.ErrNotFound) }
