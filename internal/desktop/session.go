package desktop

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/vault"
)

// Session is the bound service of the app as a whole: its state for the
// first screen, the selected profile, where tokens are kept, links out, and
// leaving the machine clean. It also runs the background loops (Startup).
type Session struct {
	*shared
	signIn   *SignIn
	profiles *Profiles
}

// AppState is everything the first screen needs.
type AppState struct {
	Profiles        []ProfileView `json:"profiles"`
	ActiveProfileID string        `json:"activeProfileId"`
	Notice          string        `json:"notice"`
	Version         string        `json:"version"`
	Keychain        KeychainState `json:"keychain"`
	// PendingImports are profile files waiting for the operator to trust
	// the hosts they name; the page asks about the first.
	PendingImports []PendingImport `json:"pendingImports"`
}

// KeychainState says where tokens are kept.
type KeychainState struct {
	// Problem explains why the keychain cannot be used and how to fix it;
	// "" when it works.
	Problem string `json:"problem"`
	// SessionOnly: tokens are kept in memory until Partnerdesk quits.
	SessionOnly bool `json:"sessionOnly"`
}

// GetState returns the profiles and which one is selected.
func (s *Session) GetState() (AppState, error) {
	called("GetState")
	f, err := s.loadProfiles()
	if err != nil {
		return AppState{}, errors.New(explain.Message(err))
	}
	now := time.Now()
	st := AppState{Profiles: []ProfileView{}, Version: s.version}
	for _, p := range f.Profiles {
		st.Profiles = append(st.Profiles, s.view(p, now))
	}
	st.PendingImports = s.profiles.pendingImports()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := f.Find(s.active); !ok {
		s.active = ""
		if len(f.Profiles) > 0 {
			s.active = f.Profiles[0].ID
		}
	}
	st.ActiveProfileID = s.active
	st.Notice = s.notice
	st.Keychain = KeychainState{Problem: s.keychainProblem, SessionOnly: s.keychain.InMemory()}
	return st, nil
}

// SelectProfile makes a profile the selected one.
func (s *Session) SelectProfile(id string) {
	called("SelectProfile")
	s.selectProfile(id)
}

// KeepTokensInMemory is the operator's choice when the keychain cannot be
// used: tokens are kept in memory for this session only, never on disk, and
// are gone when Partnerdesk quits.
func (s *Session) KeepTokensInMemory() {
	called("KeepTokensInMemory")
	s.keychain.KeepInMemory()
	s.noteKeychain(nil)
	s.changed()
}

// RemoveAllData removes every profile, token, sign-in session, cached
// result and log Partnerdesk keeps on this computer.
func (s *Session) RemoveAllData() error {
	called("RemoveAllData")
	s.forgetShown("")
	err := s.service.RemoveAll(s.context())
	s.secrets.forget("")
	s.mu.Lock()
	s.active, s.notice = "", ""
	s.mu.Unlock()
	s.changed()
	if err != nil {
		return errors.New(explain.Message(err))
	}
	return nil
}

// zapierPages are the hosts of Zapier's pages that the app links to: its
// web app (a Zap's page, "Open in browser"), its documentation and its
// developer platform. Not every host under zapier.com: some take data
// from anyone (hooks.zapier.com catches webhooks).
var zapierPages = []string{"zapier.com", "docs.zapier.com", "developer.zapier.com"}

// errNotOpened is OpenURL's refusal.
var errNotOpened = errors.New("Partnerdesk opens only Zapier's pages and the pages of your profiles' sign-in providers. This address was not opened.")

// OpenURL opens a page in the system browser: only the links the app
// itself shows, which are Zapier's pages (https) and pages on the hosts of
// a saved profile (its sign-in page, the sandbox's pages). A script in the
// page could otherwise send the operator to any address, or carry what it
// knows off in one. The app's own web view never leaves the app's pages.
func (s *Session) OpenURL(raw string) error {
	called("OpenURL")
	u, err := url.Parse(raw)
	if err != nil || !s.mayOpen(u) {
		return errNotOpened
	}
	s.platform.OpenURL(u.String())
	return nil
}

// mayOpen tells whether u is one of the links the app shows.
func (s *Session) mayOpen(u *url.URL) bool {
	if u.User != nil || u.Opaque != "" || u.Host == "" {
		return false
	}
	if u.Scheme == "https" && slices.Contains(zapierPages, strings.ToLower(u.Host)) {
		return true
	}
	f, err := s.store.Load()
	if err != nil {
		return false
	}
	for _, p := range f.Profiles {
		for _, address := range []string{p.EffectiveAuthorizeURL(), p.EffectiveAPIBaseURL()} {
			pu, err := url.Parse(address)
			if err == nil && (pu.Scheme == "https" || pu.Scheme == "http") &&
				u.Scheme == pu.Scheme && strings.EqualFold(u.Host, pu.Host) {
				return true
			}
		}
	}
	return false
}

// checkKeychain probes the keychain once at start, and forgets the token
// facts of profiles whose token is no longer there (removed with another
// tool, or kept in memory by an earlier session), so no card claims a
// sign-in that cannot be used.
func (s *Session) checkKeychain(ctx context.Context) {
	err := s.keychain.Probe(ctx)
	s.noteKeychain(err)
	if err != nil {
		return
	}
	f, err := s.store.Load()
	if err != nil {
		return
	}
	for _, p := range f.Profiles {
		if !p.Token.SignedIn {
			continue
		}
		if _, err := s.keychain.Get(ctx, p.ID); errors.Is(err, vault.ErrNotFound) {
			s.service.Forget(p.ID)
			s.changed()
		}
	}
}

// renewBeforeExpiry renews a code-grant profile's token with its refresh
// token a few minutes before it expires (refreshLead), every round until it
// works or Zapier refuses the refresh token. For the implicit grant it
// reminds the operator shortly before a token expires and tries a silent
// sign-in, once per token. When a token expires it tells the
// page, whose views (their Status) then read expired.
func (s *Session) renewBeforeExpiry(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	var expired map[string]bool
	for {
		if f, err := s.store.Load(); err == nil {
			now := time.Now()
			was := expired
			expired = map[string]bool{}
			for _, p := range f.Profiles {
				if statusOf(p, now) == StatusExpired {
					expired[p.ID] = true
					if was != nil && !was[p.ID] {
						s.changed()
					}
				}
			}
			// A code-grant profile renews with its refresh token, with no
			// window and nothing to tell the operator.
			var byWindow []profiles.Profile
			for _, p := range f.Profiles {
				if !renewsWithoutWindow(p) {
					byWindow = append(byWindow, p)
				}
			}
			s.refreshDue(f.Profiles, now)
			for _, p := range s.attempts.renewals.Expiring(byWindow, now) {
				s.platform.Notify("expiry-"+p.ID, "Partnerdesk: token expiring",
					fmt.Sprintf("The token of %q expires at %s. Partnerdesk is trying to renew it; if Zapier asks, approve in the sign-in window.",
						p.Name, p.Token.ExpiresAt.Local().Format("15:04")))
				s.signIn.renewSilently(p.ID)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// profilesPoll is how often the app looks for changes to profiles.json.
var profilesPoll = 2 * time.Second

// watchProfiles tells the page when profiles.json changes under it, e.g.
// after `partnerdesk login` in a terminal, so the app never shows stale
// state. Polling the file's size and time every two seconds costs nothing
// and needs no platform file-watching API.
func (s *Session) watchProfiles(ctx context.Context) {
	path, err := profiles.DefaultPath()
	if err != nil {
		return
	}
	stamp := func() string {
		fi, err := os.Stat(path)
		if err != nil {
			return ""
		}
		return fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())
	}
	last := stamp()
	tick := time.NewTicker(profilesPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if now := stamp(); now != last {
				last = now
				s.secrets.forget("") // the command line may have added or removed a client secret
				s.changed()
			}
		}
	}
}
