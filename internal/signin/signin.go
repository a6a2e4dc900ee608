// Package signin signs a profile in, checks its token, and signs it out.
//
// One sign-in attempt: a fresh state, the authorize URL, the sign-in window,
// the redirect parsed and validated (internal/oauth), the token into the
// keychain, the non-secret metadata into the profile, then a live call to
// /v1/profiles/me to record who signed in. The package holds no token longer
// than one call and never writes it anywhere but the vault.
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

// attempt is one sign-in under way: its profile, its state, and the
// authorize URL carrying that state.
type attempt struct {
	profile profiles.Profile
	apiBase string
	state   *oauth.State
	url     string
}

// begin prepares an attempt: a fresh state and the authorize URL.
func (s *Service) begin(nameOrID string, force bool) (*attempt, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return nil, err
	}
	authorizeURL, apiBase, err := s.endpoints(p)
	if err != nil {
		return nil, err
	}
	state, err := oauth.NewState()
	if err != nil {
		return nil, err
	}
	prompt := oauth.PromptAuto
	if force {
		prompt = oauth.PromptForce
	}
	authURL, err := oauth.Request{
		AuthorizeURL: authorizeURL,
		ClientID:     p.ClientID,
		RedirectURI:  p.RedirectURI,
		Scopes:       p.Scopes,
		Prompt:       prompt,
		State:        state.String(),
	}.URL()
	if err != nil {
		return nil, err
	}
	return &attempt{profile: p, apiBase: apiBase, state: state, url: authURL}, nil
}

// SignIn runs one attempt in the sign-in window for the profile with the
// given name or id and returns the profile as saved. A failed live check
// after the token was stored returns the saved profile and an error
// wrapping ErrVerifyFailed.
func (s *Service) SignIn(ctx context.Context, nameOrID string, opts Options) (profiles.Profile, error) {
	a, err := s.begin(nameOrID, opts.Force)
	if err != nil {
		return profiles.Profile{}, err
	}
	s.progress(StageOpening)
	windowOpts := window.Options{
		AuthorizeURL: a.url,
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

// finish judges the redirect of an attempt, stores the token, records its
// facts and checks who signed in.
func (s *Service) finish(ctx context.Context, a *attempt, redirect string) (profiles.Profile, error) {
	p := a.profile
	redirected := time.Now()
	tok, err := oauth.ParseRedirect(redirect, a.state, p.Scopes)
	if err != nil {
		return p, err
	}
	logging.AddSecret(tok.AccessToken) // scrubbed from the log in any form, from now on

	s.progress(StageStoring)
	keychainStart := time.Now()
	if err := s.Vault.Set(ctx, p.ID, tok.AccessToken); err != nil {
		return p, err
	}
	// For `make bench` (PARTNERDESK_DEBUG=1): durations only, never the token.
	slog.Debug("token stored", "redirect_to_stored_ms", time.Since(redirected).Seconds()*1000, "keychain_ms", time.Since(keychainStart).Seconds()*1000)
	obtained := s.now()
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
			s.Vault.Delete(ctx, p.ID)
		}
		return p, err
	}

	s.progress(StageVerifying)
	verified, err := s.check(ctx, saved, a.apiBase, tok.AccessToken)
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

// check asks the API who the token belongs to and records the answer. A
// rejected token is marked invalid: the operator is offered to sign in again.
func (s *Service) check(ctx context.Context, p profiles.Profile, apiBase, token string) (profiles.Profile, error) {
	client := partnerapi.Client{BaseURL: apiBase, Token: token, HTTP: s.HTTP}
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
func (s *Service) Verify(ctx context.Context, nameOrID string) (profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return p, err
	}
	token, err := s.Vault.Get(ctx, p.ID)
	if err != nil {
		return p, err
	}
	logging.AddSecret(token)
	_, apiBase, err := s.endpoints(p)
	if err != nil {
		return p, err
	}
	return s.check(ctx, p, apiBase, token)
}

// Token returns a profile's stored token, for the operator who asked for it.
func (s *Service) Token(ctx context.Context, nameOrID string) (string, profiles.Profile, error) {
	p, err := s.profile(nameOrID)
	if err != nil {
		return "", p, err
	}
	token, err := s.Vault.Get(ctx, p.ID)
	if err == nil {
		logging.AddSecret(token)
	}
	return token, p, err
}

// SignOut deletes a profile's token from the keychain, clears the provider
// session of its sign-in window, and forgets the token's metadata. Zapier
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

// dropToken deletes a profile's token from the keychain and clears the
// provider session of its sign-in window; the caller forgets the token's
// metadata.
func (s *Service) dropToken(ctx context.Context, profileID string) error {
	if err := s.Vault.Delete(ctx, profileID); err != nil && !isNotFound(err) {
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
