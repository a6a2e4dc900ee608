package desktop

import (
	"context"
	"fmt"
	"sync"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
)

// shared is what the services share, and only that: the stores, the
// platform, and the little state that more than one service reads. Each
// piece of state has its own lock; the sign-in under way is attempts'.
type shared struct {
	version  string
	platform Platform
	store    *profiles.Store
	keychain *vault.Session // the keychain, or memory only for this session on the operator's word
	service  *signin.Service
	// renew tries one silent sign-in (SignIn.renewSilently).
	renew func(profileID string)
	// sandboxAddr is Config.SandboxAddr.
	sandboxAddr string

	ctx context.Context // the app's; ends when it quits

	mu              sync.Mutex
	active          string // the selected profile's id
	notice          string // a message for the operator at start-up
	keychainProblem string // why the keychain cannot be used, in the operator's words; "" when it can
	copiedFrom      string // the profile whose token was copied last; "" when none

	attempts attempts // the sign-in under way

	secrets secretsKnown // which code-grant profiles have a client secret
}

func newShared(cfg Config) *shared {
	sh := &shared{version: cfg.Version, platform: cfg.Platform, store: cfg.Profiles, sandboxAddr: cfg.SandboxAddr,
		keychain: &vault.Session{Keychain: cfg.Vault}, ctx: context.Background()}
	sh.service = &signin.Service{Profiles: cfg.Profiles, Vault: sh.keychain, Window: cfg.Window, Endpoints: cfg.Endpoints,
		Browser: func(address string) error { sh.platform.OpenURL(address); return nil }}
	sh.service.Progress = func(st signin.Stage) { sh.progress(st) }
	if cfg.Vault != nil {
		cfg.Vault.OnSlow = func(string) { sh.progress(signin.StageKeychain) }
	}
	return sh
}

// start gives the services the app's context, which ends when it quits.
func (sh *shared) start(ctx context.Context) {
	sh.mu.Lock()
	sh.ctx = ctx
	sh.mu.Unlock()
}

func (sh *shared) context() context.Context {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.ctx
}

// changed tells the page to fetch the state again.
func (sh *shared) changed() { sh.platform.Emit(EventStateChanged, nil) }

// Events the services send to the page (the resource browser's are in
// browse*.go).
const (
	EventStateChanged   = "state:changed"
	EventSignInProgress = "signin:progress"
)

// loadProfiles reads profiles.json for the GUI; a damaged file, set aside,
// becomes the start-up notice and the app goes on with what is left
// (profiles.Store.LoadTolerant).
func (sh *shared) loadProfiles() (*profiles.File, error) {
	return sh.store.LoadTolerant(sh.setNotice)
}

// profile finds a profile by its id.
func (sh *shared) profile(id string) (profiles.Profile, error) {
	f, err := sh.loadProfiles()
	if err != nil {
		return profiles.Profile{}, err
	}
	p, ok := f.Find(id)
	if !ok || p.ID != id {
		return profiles.Profile{}, fmt.Errorf("%w: the profile was removed", profiles.ErrUnknown)
	}
	return *p, nil
}

func (sh *shared) setNotice(notice string) {
	sh.mu.Lock()
	sh.notice = notice
	sh.mu.Unlock()
}

func (sh *shared) selectProfile(id string) {
	sh.mu.Lock()
	sh.active = id
	sh.mu.Unlock()
}

// noteKeychain records whether the keychain can be used, after a probe or
// any call that reached it, and tells the page when that changes.
func (sh *shared) noteKeychain(err error) {
	problem := explain.KeychainAdvice(err)
	sh.mu.Lock()
	changed := problem != sh.keychainProblem
	sh.keychainProblem = problem
	sh.mu.Unlock()
	if changed {
		sh.changed()
	}
}

// copied notes whose token is on the clipboard.
func (sh *shared) copied(profileID string) {
	sh.mu.Lock()
	sh.copiedFrom = profileID
	sh.mu.Unlock()
}

// forgetShown clears the clipboard if it holds the token of a profile that
// is being signed out or removed, and closes the window showing that token:
// the token is then no longer the operator's to paste or read. "" stands
// for every profile (Remove all my data).
func (sh *shared) forgetShown(id string) {
	sh.mu.Lock()
	ours := sh.copiedFrom != "" && (id == "" || sh.copiedFrom == id)
	if ours {
		sh.copiedFrom = ""
	}
	sh.mu.Unlock()
	if ours {
		sh.platform.ClearSecret()
	}
	if id == "" {
		sh.platform.CloseAllSecrets()
	} else {
		sh.platform.CloseSecret(id)
	}
}

// retryRejected makes the one silent try for a new token after Zapier
// refused one: with the refresh token for the code grant, else a silent
// sign-in, for which the app needs its sign-in window.
func (sh *shared) retryRejected(p profiles.Profile) {
	if renewsWithoutWindow(p) {
		// With a refresh token: renew without a window, once per
		// rejected token (Planner.Rejected).
		if sh.attempts.renewals.Rejected(p) {
			go func() {
				if rejected := sh.keychainToken(sh.context(), p.ID); rejected != "" {
					sh.refresh(p, rejected)
				}
			}()
		}
		return
	}
	if sh.service.Window != nil && sh.renew != nil && sh.attempts.renewals.Rejected(p) {
		go sh.renew(p.ID)
	}
}

// rejected tells the page that Zapier refused a profile's token, which is
// marked so already, and, as Verify does, tries once to renew the token
// silently. The resource browser calls it when a list is refused.
func (sh *shared) rejected(p profiles.Profile) {
	sh.changed()
	sh.retryRejected(p)
}
