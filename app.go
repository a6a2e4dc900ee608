package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"partnerdesk/internal/cli"
	"partnerdesk/internal/explain"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/renewal"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signinwindow"
	"partnerdesk/internal/vault"
)

// App is the binding surface for the frontend: each method turns a call from
// the page into calls on internal packages, and every error into the
// operator's words (internal/explain). No method returns a token.
type App struct {
	ctx      context.Context
	env      cli.Env
	service  *signin.Service
	mu       sync.Mutex
	active   string             // the selected profile's id
	cancelIn context.CancelFunc // cancels the sign-in in progress
	silentIn bool               // the sign-in in progress is a silent renewal
	endedIn  chan struct{}      // closed when the sign-in in progress has ended
	signing  string             // the id of the profile signing in
	notice   string             // a message for the operator at start-up

	openAtStart string          // a profile file to import once the window is up
	pending     []pendingImport // profile files waiting for the operator to trust their hosts

	renewals        renewal.Planner
	keychain        *vault.Session       // the keychain, or memory only for this session on the operator's word
	keychainProblem string               // why the keychain cannot be used, in the operator's words; "" when it can
	paste           *signin.PasteAttempt // the "paste the address" sign-in under way

	fetches fetchJobs // the resource fetches under way (app_resources.go)

	clipboard  secretClipboard // where Copy token puts a token
	copiedFrom string          // the profile whose token was copied last; "" when none
	shown      secretWindows   // where Show token shows a token

	// emit replaces the Wails event bus; for tests.
	emit func(name string, payload any)
}

// NewApp returns the app over the same stores the CLI uses.
func NewApp(env cli.Env) *App {
	a := &App{env: env, keychain: &vault.Session{Keychain: env.Vault}, clipboard: signinwindow.NewSecretClipboard(copiedTokenLifetime),
		shown: signinwindow.SecretWindows{}}
	a.service = &signin.Service{Profiles: env.Profiles, Vault: a.keychain, Window: env.Window, Endpoints: env.Endpoints}
	a.service.Progress = func(st signin.Stage) { a.progress(st, "") }
	env.Vault.OnSlow = func(string) {
		a.progress(signin.StageKeychain, "Waiting for your keychain. If it asks for its password, enter it to continue.")
	}
	return a
}

func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	a.service.Browser = func(address string) error {
		wailsruntime.BrowserOpenURL(ctx, address)
		return nil
	}
	if a.openAtStart != "" {
		a.importProfile(a.openAtStart)
	}
	go a.watchProfiles(ctx)
	go a.renewBeforeExpiry(ctx)
	go a.checkKeychain(ctx)
}

// checkKeychain probes the keychain once at start, and forgets the token
// facts of profiles whose token is no longer there (removed with another
// tool, or kept in memory by an earlier session), so no card claims a
// sign-in that cannot be used.
func (a *App) checkKeychain(ctx context.Context) {
	err := a.keychain.Probe(ctx)
	a.noteKeychain(err)
	if err != nil {
		return
	}
	f, err := a.env.Profiles.Load()
	if err != nil {
		return
	}
	for _, p := range f.Profiles {
		if !p.Token.SignedIn {
			continue
		}
		if _, err := a.keychain.Get(ctx, p.ID); errors.Is(err, vault.ErrNotFound) {
			a.service.Forget(p.ID)
			a.changed()
		}
	}
}

// noteKeychain records whether the keychain can be used, after a probe or
// any call that reached it, and tells the page when that changes.
func (a *App) noteKeychain(err error) {
	problem := explain.KeychainAdvice(err)
	a.mu.Lock()
	changed := problem != a.keychainProblem
	a.keychainProblem = problem
	a.mu.Unlock()
	if changed {
		a.changed()
	}
}

// KeepTokensInMemory is the operator's choice when the keychain cannot be
// used: tokens are kept in memory for this session only, never on disk, and
// are gone when Partnerdesk quits.
func (a *App) KeepTokensInMemory() {
	a.called("KeepTokensInMemory")
	a.keychain.KeepInMemory()
	a.noteKeychain(nil)
	a.changed()
}

// renewBeforeExpiry reminds the operator shortly before a token expires and
// tries a silent renewal, once per token.
func (a *App) renewBeforeExpiry(ctx context.Context) {
	notify := wailsruntime.InitializeNotifications(ctx) == nil
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if f, err := a.env.Profiles.Load(); err == nil {
			for _, p := range a.renewals.Expiring(f.Profiles, time.Now()) {
				if notify {
					wailsruntime.SendNotification(ctx, wailsruntime.NotificationOptions{
						ID:    "expiry-" + p.ID,
						Title: "Partnerdesk: token expiring",
						Body: fmt.Sprintf("The token of %q expires at %s. Partnerdesk is trying to renew it; if Zapier asks, approve in the sign-in window.",
							p.Name, p.Token.ExpiresAt.Local().Format("15:04")),
					})
				}
				a.renewSilently(p.ID)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// retryRejected makes the one silent try for a new token after Zapier
// refused one. Without a sign-in window there is nothing to try with.
func (a *App) retryRejected(p profiles.Profile) {
	if a.service.Window != nil && a.renewals.Rejected(p) {
		go a.renewSilently(p.ID)
	}
}

// renewSilently signs a profile in again without asking when the provider
// allows; when it needs the operator, the sign-in window shows itself. It
// does nothing while another sign-in is under way.
func (a *App) renewSilently(id string) {
	a.mu.Lock()
	busy := a.cancelIn != nil
	a.mu.Unlock()
	if !busy {
		a.signIn(id, signin.Options{Silent: true, Timeout: signInTimeout})
	}
}

// profilesPoll is how often the app looks for changes to profiles.json.
var profilesPoll = 2 * time.Second

// watchProfiles tells the page when profiles.json changes under it, e.g.
// after `partnerdesk login` in a terminal, so the app never shows stale
// state. Polling the file's size and time every two seconds costs nothing
// and needs no platform file-watching API.
func (a *App) watchProfiles(ctx context.Context) {
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
				a.changed()
			}
		}
	}
}

// shutdown clears a copied token from the clipboard (if it still holds it)
// and closes the token and sign-in windows.
func (a *App) shutdown(context.Context) {
	if a.clipboard != nil {
		a.clipboard.Clear()
	}
	if a.shown != nil {
		a.shown.CloseAll()
	}
	signinwindow.CloseAll()
}

// onSecondInstance brings this window to the front when Partnerdesk is
// started again, and imports the profile file it was started with, if any.
func (a *App) onSecondInstance(second options.SecondInstanceData) {
	wailsruntime.WindowUnminimise(a.ctx)
	wailsruntime.WindowShow(a.ctx)
	for _, arg := range second.Args {
		if isProfileFile(arg) {
			a.importProfile(arg)
		}
	}
}

// importProfile adds the profile in a profile file, or keeps it waiting
// for the operator when it names hosts outside Zapier (openProfileFile),
// and says what happened in the notice banner.
func (a *App) importProfile(path string) {
	res, err := a.openProfileFile(path)
	a.mu.Lock()
	switch {
	case err != nil:
		a.notice = "The profile file " + filepath.Base(path) + " was not added: " + explain.Message(err)
	case res.Profile != nil:
		a.notice = fmt.Sprintf("Profile %q was added from %s. Sign in to use it.", res.Profile.Name, filepath.Base(path))
	}
	a.mu.Unlock()
	a.changed()
}

var stageMessages = map[signin.Stage]string{
	signin.StageOpening:   "Opening the sign-in window…",
	signin.StageWaiting:   "Sign in and approve access in the sign-in window.",
	signin.StageBrowser:   "Sign in and approve access in your browser.",
	signin.StageStoring:   "Saving the token in your keychain…",
	signin.StageVerifying: "Checking your account with Zapier…",
}

// progressEvent is the payload of "signin:progress".
type progressEvent struct {
	ProfileID string `json:"profileId"`
	Stage     string `json:"stage"`
	Message   string `json:"message"`
}

func (a *App) progress(st signin.Stage, msg string) {
	if a.ctx == nil {
		return
	}
	if msg == "" {
		msg = stageMessages[st]
	}
	a.mu.Lock()
	id := a.signing
	a.mu.Unlock()
	a.emitEvent("signin:progress", progressEvent{ProfileID: id, Stage: string(st), Message: msg})
}

// changed tells the page to fetch the state again.
func (a *App) changed() { a.emitEvent("state:changed", nil) }

// emitEvent sends an event to the page.
func (a *App) emitEvent(name string, payload any) {
	if a.emit != nil {
		a.emit(name, payload)
		return
	}
	if a.ctx != nil {
		wailsruntime.EventsEmit(a.ctx, name, payload)
	}
}

// Identity is who a token belongs to.
type Identity struct {
	ID       string `json:"id"`
	FullName string `json:"fullName"`
	Email    string `json:"email"`
}

// ProfileView is a profile as the frontend shows it: settings and the
// non-secret state of its token.
type ProfileView struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	ClientID       string    `json:"clientId"`
	RedirectURI    string    `json:"redirectUri"`
	AuthorizeURL   string    `json:"authorizeUrl"`
	APIBaseURL     string    `json:"apiBaseUrl"`
	Scopes         []string  `json:"scopes"`
	Sandbox        bool      `json:"sandbox"`
	SignedIn       bool      `json:"signedIn"`
	TokenInvalid   bool      `json:"tokenInvalid"`
	Expired        bool      `json:"expired"`
	Identity       *Identity `json:"identity"`
	GrantedScopes  []string  `json:"grantedScopes"`
	ObtainedAt     *string   `json:"obtainedAt"`
	ExpiresAt      *string   `json:"expiresAt"`
	LastVerifiedAt *string   `json:"lastVerifiedAt"`
	LastVerifyOK   bool      `json:"lastVerifyOk"`
	LastVerifyNote string    `json:"lastVerifyNote"`
	// MissingScopes are scopes the profile asks for that the token was not
	// granted.
	MissingScopes []string `json:"missingScopes"`
	// UntrustedHosts are the hosts outside Zapier this profile sends the
	// sign-in to (profiles.UntrustedHosts); the card names each.
	UntrustedHosts []profiles.HostUse `json:"untrustedHosts"`
	// SignedOutReason says why Partnerdesk signed the profile out by itself;
	// "" when it did not.
	SignedOutReason string `json:"signedOutReason"`
}

func viewOf(p profiles.Profile, now time.Time) ProfileView {
	v := ProfileView{
		ID: p.ID, Name: p.Name, ClientID: p.ClientID, RedirectURI: p.RedirectURI,
		AuthorizeURL: p.EffectiveAuthorizeURL(), APIBaseURL: p.EffectiveAPIBaseURL(),
		Scopes: nonNil(p.Scopes), Sandbox: p.Sandbox,
		SignedIn: p.Token.SignedIn, TokenInvalid: p.Token.Invalid, Expired: p.Token.SignedIn && p.Token.Expired(now),
		GrantedScopes: nonNil(p.Token.Scopes), ObtainedAt: rfc3339(p.Token.ObtainedAt), ExpiresAt: rfc3339(p.Token.ExpiresAt),
		LastVerifiedAt: rfc3339(p.Token.LastVerifiedAt), LastVerifyOK: p.Token.LastVerifyOK, LastVerifyNote: p.Token.LastVerifyNote,
		UntrustedHosts: append([]profiles.HostUse{}, p.UntrustedHosts()...), SignedOutReason: p.Token.SignedOutReason,
	}
	if id := p.Token.Identity; id != nil {
		v.Identity = &Identity{ID: id.ID, FullName: id.FullName, Email: id.Email}
	}
	v.MissingScopes = []string{}
	if p.Token.SignedIn {
		granted := map[string]bool{}
		for _, sc := range p.Token.Scopes {
			granted[sc] = true
		}
		for _, sc := range p.Scopes {
			if !granted[sc] {
				v.MissingScopes = append(v.MissingScopes, sc)
			}
		}
	}
	return v
}

func rfc3339(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
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
func (a *App) GetState() (AppState, error) {
	a.called("GetState")
	f, err := a.env.Profiles.Load()
	var corrupt *profiles.CorruptError
	switch {
	case errors.As(err, &corrupt):
		a.mu.Lock()
		a.notice = corrupt.Error()
		a.mu.Unlock()
	case err != nil:
		return AppState{}, errors.New(explain.Message(err))
	}
	now := time.Now()
	st := AppState{Profiles: []ProfileView{}, Version: version}
	for _, p := range f.Profiles {
		st.Profiles = append(st.Profiles, viewOf(p, now))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := f.Find(a.active); !ok {
		a.active = ""
		if len(f.Profiles) > 0 {
			a.active = f.Profiles[0].ID
		}
	}
	st.ActiveProfileID = a.active
	st.Notice = a.notice
	st.Keychain = KeychainState{Problem: a.keychainProblem, SessionOnly: a.keychain.InMemory()}
	st.PendingImports = []PendingImport{}
	for _, p := range a.pending {
		st.PendingImports = append(st.PendingImports, p.PendingImport)
	}
	return st, nil
}

// SelectProfile makes a profile the selected one.
func (a *App) SelectProfile(id string) {
	a.called("SelectProfile")
	a.selectProfile(id)
}

func (a *App) selectProfile(id string) {
	a.mu.Lock()
	a.active = id
	a.mu.Unlock()
}

// NewProfile is what the operator types to set up a profile.
type NewProfile struct {
	Name         string `json:"name"`
	ClientID     string `json:"clientId"`
	RedirectURI  string `json:"redirectUri"`
	Scopes       string `json:"scopes"`
	AuthorizeURL string `json:"authorizeUrl"`
	APIBaseURL   string `json:"apiBaseUrl"`
}

// AddProfile validates and saves a new profile, and selects it.
func (a *App) AddProfile(in NewProfile) (ProfileView, error) {
	a.called("AddProfile")
	p := profileFromInput(in)
	if err := profiles.CheckInput(p); err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return a.add(p)
}

// AddSandboxProfile starts the built-in sandbox and adds a profile for it.
func (a *App) AddSandboxProfile() (ProfileView, error) {
	a.called("AddSandboxProfile")
	base, err := sandbox.EnsureLocal(sandbox.LocalAddr)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	name := "Sandbox"
	if f, err := a.env.Profiles.Load(); err == nil {
		for i := 2; ; i++ {
			if _, taken := f.Find(name); !taken {
				break
			}
			name = fmt.Sprintf("Sandbox %d", i)
		}
	}
	return a.add(profiles.Profile{
		Name: name, ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI,
		AuthorizeURL: base + "/oauth/authorize/", APIBaseURL: base,
		Scopes: []string{"profile", "zap"}, Sandbox: true,
	})
}

func (a *App) add(p profiles.Profile) (ProfileView, error) {
	var added profiles.Profile
	err := a.env.Profiles.Update(func(f *profiles.File) error {
		np, err := f.Add(p)
		if err != nil {
			return err
		}
		added = *np
		return nil
	})
	notice, err := profiles.Saved(err)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	if notice != "" {
		a.mu.Lock()
		a.notice = notice
		a.mu.Unlock()
	}
	a.selectProfile(added.ID)
	a.changed()
	return viewOf(added, time.Now()), nil
}

// SignInOutcome is how a sign-in ended. Declining, cancelling and time-outs
// are outcomes, not errors: the page shows Message either way.
type SignInOutcome struct {
	OK        bool         `json:"ok"`
	Cancelled bool         `json:"cancelled"`
	Message   string       `json:"message"`
	Profile   *ProfileView `json:"profile"`
}

// signInTimeout is how long the app waits for the operator on the
// provider's page: long enough to find a password, short enough that a
// wrong redirect URI is noticed.
const signInTimeout = 10 * time.Minute

// SignIn opens the sign-in window for a profile and waits for it.
func (a *App) SignIn(id string, force bool) SignInOutcome {
	a.called("SignIn")
	a.selectProfile(id)
	return a.signIn(id, signin.Options{Force: force, Timeout: signInTimeout})
}

// SignInWithBrowser signs in in the system browser, for providers that
// refuse embedded windows; the profile's redirect_uri must be on this
// computer (http://127.0.0.1:PORT/...). The app comes back to the front
// when the browser has delivered the answer.
func (a *App) SignInWithBrowser(id string, force bool) SignInOutcome {
	a.called("SignInWithBrowser")
	a.selectProfile(id)
	out, _ := a.run(id, false, func(ctx context.Context) (profiles.Profile, error) {
		return a.service.SignInWithBrowser(ctx, id, signin.Options{Force: force, Timeout: signInTimeout})
	})
	wailsruntime.WindowUnminimise(a.ctx)
	wailsruntime.WindowShow(a.ctx)
	return out
}

// PasteStart tells the page what the operator is to look for in the browser.
type PasteStart struct {
	AuthorizeURL string `json:"authorizeUrl"`
	RedirectURI  string `json:"redirectUri"`
}

// StartPaste opens the authorize page in the system browser for a sign-in
// whose answer the operator will paste (CompletePaste).
func (a *App) StartPaste(id string, force bool) (PasteStart, error) {
	a.called("StartPaste")
	a.stopSilent()
	a.mu.Lock()
	busy := a.cancelIn != nil
	if !busy {
		a.signing = id
	}
	a.mu.Unlock()
	if busy {
		signinwindow.Present()
		return PasteStart{}, errors.New(explain.Message(signinwindow.ErrInProgress))
	}
	attempt, err := a.service.BeginPaste(id, force)
	if err != nil {
		return PasteStart{}, errors.New(explain.Message(err))
	}
	a.mu.Lock()
	a.paste = attempt
	a.mu.Unlock()
	return PasteStart{AuthorizeURL: attempt.AuthorizeURL(), RedirectURI: attempt.Profile().RedirectURI}, nil
}

// CompletePaste judges the pasted address exactly as an intercepted
// redirect. An address that is not the redirect URI keeps the attempt open
// (Retry); anything else ends it.
func (a *App) CompletePaste(address string) PasteOutcome {
	a.called("CompletePaste")
	a.mu.Lock()
	attempt := a.paste
	a.mu.Unlock()
	if attempt == nil {
		return PasteOutcome{SignInOutcome: SignInOutcome{Message: "No sign-in is waiting for an address. Start again."}}
	}
	out, err := a.run(attempt.Profile().ID, false, func(ctx context.Context) (profiles.Profile, error) {
		return attempt.Complete(ctx, address)
	})
	retry := errors.Is(err, signin.ErrNotTheRedirect)
	if !retry {
		a.forgetPaste()
	}
	return PasteOutcome{SignInOutcome: out, Retry: retry}
}

// PasteOutcome is a SignInOutcome that may invite another try.
type PasteOutcome struct {
	SignInOutcome
	Retry bool `json:"retry"`
}

// CancelPaste forgets the paste sign-in under way.
func (a *App) CancelPaste() {
	a.called("CancelPaste")
	a.forgetPaste()
}

func (a *App) forgetPaste() {
	a.mu.Lock()
	a.paste = nil
	a.mu.Unlock()
}

func (a *App) signIn(id string, opts signin.Options) SignInOutcome {
	out, _ := a.run(id, opts.Silent, func(ctx context.Context) (profiles.Profile, error) {
		return a.service.SignIn(ctx, id, opts)
	})
	return out
}

// run runs one sign-in of any method, one at a time, and turns its end
// into an outcome for the page; the error is for callers that branch on it.
// A sign-in the operator asked for first stops a silent renewal under way
// (stopSilent); silent tells which kind this one is.
func (a *App) run(id string, silent bool, signIn func(context.Context) (profiles.Profile, error)) (SignInOutcome, error) {
	if !silent {
		a.stopSilent()
	}
	ctx, cancel := context.WithCancel(a.ctx)
	a.mu.Lock()
	if a.cancelIn != nil {
		a.mu.Unlock()
		cancel()
		signinwindow.Present()
		return SignInOutcome{Message: explain.Message(signinwindow.ErrInProgress)}, signinwindow.ErrInProgress
	}
	a.signing = id
	a.cancelIn = cancel
	a.silentIn = silent
	ended := make(chan struct{})
	a.endedIn = ended
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.cancelIn, a.silentIn, a.endedIn = nil, false, nil
		a.mu.Unlock()
		cancel()
		a.progress("done", "")
		a.changed()
		close(ended) // last: its "done" goes out before the next sign-in begins
	}()

	p, err := signIn(ctx)
	switch {
	case err == nil, errors.Is(err, signin.ErrVerifyFailed):
		a.noteKeychain(nil) // the token reached the keychain: it works
	case explain.KeychainAdvice(err) != "":
		a.noteKeychain(err)
	}
	out := SignInOutcome{OK: err == nil || errors.Is(err, signin.ErrVerifyFailed)}
	if p.ID != "" {
		v := viewOf(p, time.Now())
		out.Profile = &v
	}
	switch {
	case err == nil:
		out.Message = "Signed in."
		if v := out.Profile; v != nil && v.Identity != nil {
			out.Message = "Signed in as " + v.Identity.FullName + "."
		}
	case errors.Is(err, signin.ErrVerifyFailed):
		out.Message = "Signed in; the token is in your keychain. " + explain.Message(errors.Unwrap(err))
	default:
		out.Cancelled = errors.Is(err, oauth.ErrDeclined) || errors.Is(err, signinwindow.ErrCancelled)
		out.Message = explain.Message(err)
	}
	return out, err
}

// stopSilent cancels a silent renewal under way and waits until it has
// ended. Its window is hidden unless the provider asked for the operator, so
// a sign-in the operator asks for meanwhile would otherwise be refused with
// "a sign-in window is already open" while none can be seen; the renewal is
// not tried again for the same token (renewal.Planner).
func (a *App) stopSilent() {
	a.mu.Lock()
	cancel, ended, silent := a.cancelIn, a.endedIn, a.silentIn
	a.mu.Unlock()
	if silent && cancel != nil {
		cancel()
		<-ended
	}
}

// CancelSignIn closes the sign-in window of the attempt in progress.
func (a *App) CancelSignIn() {
	a.called("CancelSignIn")
	a.mu.Lock()
	cancel := a.cancelIn
	a.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Verify checks a profile's token with Zapier now.
func (a *App) Verify(id string) (ProfileView, error) {
	a.called("Verify")
	p, err := a.service.Verify(a.ctx, id)
	a.changed()
	if err != nil && !errors.Is(err, signin.ErrVerifyFailed) && p.ID == "" {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	v := viewOf(p, time.Now())
	if v.TokenInvalid {
		a.retryRejected(p)
	}
	if err != nil && !v.TokenInvalid {
		return v, errors.New(explain.Message(err))
	}
	return v, nil
}

// secretClipboard puts a token on the system clipboard in a way meant for
// secrets: the CLIPBOARD selection only, never PRIMARY (one middle-click
// away), marked so that clipboard managers skip it, and cleared after a while
// if it still holds the token. Clear clears it now, if it still holds what
// was copied. signinwindow.SecretClipboard is the real one (NewApp); tests
// put a recording one in its place.
type secretClipboard interface {
	Copy(text string) error
	Clear()
}

// secretWindows shows a token in a native window of its own, outside the
// page, one window per profile: Show returns when that window closes, and
// shows the token in the open one (brought to the front) when there is one.
// signinwindow.SecretWindows is the real one (NewApp); tests put a recording
// one in its place.
type secretWindows interface {
	Show(profileID, title, token string) error
	Close(profileID string)
	CloseAll()
}

// copiedTokenLifetime is how long a copied token stays on the clipboard.
// The card says so: "Copied; cleared in 45 s".
const copiedTokenLifetime = 45 * time.Second

// CopyToken puts a profile's token on the system clipboard. The token goes
// from the keychain to the clipboard in Go and never reaches the page.
func (a *App) CopyToken(id string) error {
	a.called("CopyToken")
	token, _, err := a.service.Token(a.ctx, id)
	if err != nil {
		return errors.New(explain.Message(err))
	}
	if err := a.clipboard.Copy(token); err != nil {
		return errors.New("The token could not be put on the clipboard. Try again.")
	}
	a.mu.Lock()
	a.copiedFrom = id
	a.mu.Unlock()
	return nil
}

// forgetShown clears the clipboard if it holds the token of a profile that
// is being signed out or removed, and closes the window showing that token:
// the token is then no longer the operator's to paste or read. "" stands
// for every profile (Remove all my data).
func (a *App) forgetShown(id string) {
	a.mu.Lock()
	ours := a.copiedFrom != "" && (id == "" || a.copiedFrom == id)
	if ours {
		a.copiedFrom = ""
	}
	a.mu.Unlock()
	if ours && a.clipboard != nil {
		a.clipboard.Clear()
	}
	switch {
	case a.shown == nil:
	case id == "":
		a.shown.CloseAll()
	default:
		a.shown.Close(id)
	}
}

// SignOut deletes a profile's token and clears its sign-in session, the
// clipboard if it holds that token, and the window showing it.
func (a *App) SignOut(id string) (ProfileView, error) {
	a.called("SignOut")
	a.forgetShown(id)
	p, err := a.service.SignOut(a.ctx, id)
	a.changed()
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return viewOf(p, time.Now()), nil
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
func (a *App) OpenURL(raw string) error {
	a.called("OpenURL")
	u, err := url.Parse(raw)
	if err != nil || !a.mayOpen(u) {
		return errNotOpened
	}
	wailsruntime.BrowserOpenURL(a.ctx, u.String())
	return nil
}

// mayOpen tells whether u is one of the links the app shows.
func (a *App) mayOpen(u *url.URL) bool {
	if u.User != nil || u.Opaque != "" || u.Host == "" {
		return false
	}
	if u.Scheme == "https" && slices.Contains(zapierPages, strings.ToLower(u.Host)) {
		return true
	}
	f, err := a.env.Profiles.Load()
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
