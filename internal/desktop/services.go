// Package desktop is the app's Go side as the page sees it: a few services,
// each one concern, that Wails binds to the frontend (Session, SignIn,
// Profiles, and Browse in browse*.go). Each bound method turns a call from the
// page into calls on the internal packages, and every error into the
// operator's words (internal/explain). No bound method returns a token,
// refresh token or client secret.
//
// The package does not import the Wails runtime, GTK or WebKit: everything
// native (events, notifications, clipboards, file windows, the windows that
// show a token) is reached through Platform, which the root package's Wails
// adapter implements and tests replace. What the services share (the
// selected profile, the keychain session, the sign-in under way, the token
// last copied) lives in one small type, shared.
package desktop

import (
	"context"
	"net/http"
	"sync"
	"time"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
)

// Config is what the services are built over.
type Config struct {
	Version  string
	Profiles *profiles.Store
	Vault    *vault.Vault
	// Window shows the sign-in window; nil means the app has none (silent
	// renewals are then not tried).
	Window signin.Window
	// Endpoints resolves a profile's URLs (the sandbox profile's needs the
	// built-in sandbox running).
	Endpoints signin.Endpoints
	Platform  Platform
	// SandboxAddr is where "Try the Sandbox" starts the built-in sandbox;
	// "" means sandbox.LocalAddr, its fixed address. Tests give each app a
	// port of its own: test packages run at the same time, each with its
	// own sandbox key, and would take each other's fixed port.
	SandboxAddr string
}

// Services are the app's bound services and their life cycle. Its own
// methods (Startup, Shutdown, SecondInstance) are for the wiring, not the
// page: Wails binds only what Bound lists.
type Services struct {
	Session  *Session
	SignIn   *SignIn
	Profiles *Profiles
	Browse   *Browse

	shared *shared
	loops  sync.WaitGroup // the background loops Startup started
}

// New builds the services over cfg.
func New(cfg Config) *Services {
	sh := newShared(cfg)
	s := &Services{shared: sh}
	s.SignIn = &SignIn{shared: sh}
	s.Profiles = &Profiles{shared: sh}
	s.Session = &Session{shared: sh, signIn: s.SignIn, profiles: s.Profiles}
	sh.renew = s.SignIn.renewSilently
	s.Browse = NewBrowse(BrowseConfig{Profile: sh.profile, Access: sh.service, Platform: cfg.Platform, TokenRejected: sh.rejected})
	return s
}

// Bound lists what Wails binds to the page: main.go passes it to Wails,
// and the tests that scan every bound method (bindings_test.go,
// e2e/zz_bound_methods_test.go) read the same list.
func (s *Services) Bound() []any {
	return []any{s.Session, s.SignIn, s.Profiles, s.Browse}
}

// Rows is the handler of the app's asset server that gives the page the
// rows of "resource:page" events (see ResourcePage): not a bound method,
// since the rows are kept out of the event scripts the web view runs.
func (s *Services) Rows() http.Handler { return s.Browse.rowsHandler() }

// Startup runs once the app's window is up: it imports the profile file the
// app was opened with, if any, and starts the background loops, all here
// and nowhere else; they stop when ctx ends.
func (s *Services) Startup(ctx context.Context, openAtStart string) {
	s.shared.start(ctx)
	if openAtStart != "" {
		s.Profiles.importAtStart(openAtStart)
	}
	for _, loop := range []func(context.Context){s.Session.watchProfiles, s.Session.renewBeforeExpiry, s.Session.checkKeychain} {
		s.loops.Go(func() { loop(ctx) })
	}
}

// Wait returns when the background loops have ended, after Startup's
// context is cancelled: a test then knows nothing writes its files any more.
func (s *Services) Wait() { s.loops.Wait() }

// Shutdown clears a copied token from the clipboard (if it still holds it)
// and closes the token and sign-in windows.
func (s *Services) Shutdown() {
	s.Browse.stopAll()
	p := s.shared.platform
	p.ClearSecret()
	p.CloseAllSecrets()
	p.CloseSignInWindows()
}

// SecondInstance brings the window to the front when Partnerdesk is started
// again, and imports the profile files among the arguments it was started
// with.
func (s *Services) SecondInstance(args []string) {
	s.shared.platform.RaiseWindow()
	for _, arg := range args {
		if profiles.IsExchangeFile(arg) {
			s.Profiles.importAtStart(arg)
		}
	}
}

// signInTimeout is how long the app waits for the operator on the
// provider's page: long enough to find a password, short enough that a
// wrong redirect URI is noticed.
const signInTimeout = 10 * time.Minute
