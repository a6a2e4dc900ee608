// Package desktoptest holds the test helpers of the app's Go side, once: a
// recording Platform, isolated XDG folders with an in-memory keychain, and
// a sandbox on 127.0.0.1 with a profile signed in to it. Tests of
// internal/desktop and of the root package (the Wails wiring) use them.
// It is for tests only: nothing else imports it.
package desktoptest

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/zalando/go-keyring"

	"partnerdesk/internal/desktop"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/vault"
)

// Isolate points the XDG folders at temp dirs and the keychain at an
// in-memory one for the rest of the test.
func Isolate(t testing.TB) {
	t.Helper()
	keyring.MockInit()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mock-keyring")
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		t.Setenv(k, t.TempDir())
	}
	xdg.Reload()
	t.Cleanup(xdg.Reload)
}

// Sandbox is a sandbox provider on 127.0.0.1 and a profile for it, signed
// in when asked for scopes: its token is in the (in-memory) keychain and
// its metadata in profiles.json.
type Sandbox struct {
	T       testing.TB
	Srv     *sandbox.Server
	Store   *profiles.Store
	Vault   *vault.Vault
	Profile profiles.Profile
	Token   string
	// RefreshToken is the code grant's (NewCodeSandbox), "" otherwise.
	RefreshToken string
}

// NewSandbox isolates the test (Isolate), starts a sandbox that approves
// every sign-in at once, and adds the profile "acme" for it; with scopes
// other than "", signed in with them.
func NewSandbox(t testing.TB, opts sandbox.Options, scopes string) *Sandbox {
	t.Helper()
	Isolate(t)
	opts.Approve = sandbox.ApproveAuto
	opts.KeyFile = filepath.Join(t.TempDir(), "key")
	srv, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s := &Sandbox{T: t, Srv: srv, Store: profiles.NewStore(), Vault: vault.New()}
	err = s.Store.Update(func(f *profiles.File) error {
		p, err := f.Add(profiles.Profile{Name: "acme", ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI,
			AuthorizeURL: srv.AuthorizeURL(), APIBaseURL: srv.URL(), Scopes: strings.Fields(scopes)})
		if err != nil {
			return err
		}
		s.Profile = *p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scopes != "" {
		s.SignIn(scopes)
	}
	return s
}

// Authorize follows the sandbox's sign-in page as a browser would, up to
// the redirect, and returns that address (with the token in its fragment).
func (s *Sandbox) Authorize(address string) string {
	s.T.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(address)
	if err != nil {
		s.T.Fatalf("the sandbox's sign-in page: %v", err)
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

// SignIn gets a sandbox token for the profile and stores it as a sign-in
// would.
func (s *Sandbox) SignIn(scopes string) {
	s.T.Helper()
	q := url.Values{"client_id": {sandbox.ClientID}, "redirect_uri": {sandbox.RedirectURI}, "response_type": {"token"}, "scope": {scopes}, "state": {"s"}}
	loc, _ := url.Parse(s.Authorize(s.Srv.AuthorizeURL() + "?" + q.Encode()))
	frag, _ := url.ParseQuery(loc.Fragment)
	s.Token = frag.Get("access_token")
	s.SetToken(s.Token, strings.Fields(scopes))
}

// SetToken stores token for the profile, valid for ten hours.
func (s *Sandbox) SetToken(token string, scopes []string) {
	s.T.Helper()
	if err := s.Vault.Set(context.Background(), s.Profile.ID, token); err != nil {
		s.T.Fatal(err)
	}
	now := time.Now().UTC()
	exp := now.Add(10 * time.Hour)
	err := s.Store.Update(func(f *profiles.File) error {
		p, _ := f.Find(s.Profile.ID)
		p.Token = profiles.TokenMeta{SignedIn: true, ObtainedAt: &now, ExpiresAt: &exp, Scopes: scopes}
		return nil
	})
	if err != nil {
		s.T.Fatal(err)
	}
}

// ClientSecret is the sandbox's client secret in NewCodeSandbox.
const ClientSecret = "sbs_desktoptest_client_secret_0123456789"

// NewCodeSandbox is NewSandbox for a code-grant profile: its client secret
// is in the (in-memory) keychain, and with scopes other than "" it is
// signed in through the code grant (SignInWithCode).
func NewCodeSandbox(t testing.TB, opts sandbox.Options, scopes string) *Sandbox {
	t.Helper()
	opts.ClientSecret = ClientSecret
	s := NewSandbox(t, opts, "")
	err := s.Store.Update(func(f *profiles.File) error {
		p, _ := f.Find(s.Profile.ID)
		p.Grant, p.TokenURL, p.Scopes = oauth.GrantCode, s.Srv.TokenURL(), strings.Fields(scopes)
		s.Profile = *p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Vault.Set(context.Background(), vault.ClientSecretUser(s.Profile.ID), ClientSecret); err != nil {
		t.Fatal(err)
	}
	if scopes != "" {
		s.SignInWithCode(scopes)
	}
	return s
}

// SignInWithCode signs the profile in through the code grant, as the app
// would, and stores the tokens in the keychain layout of
// internal/credential; s.Token and s.RefreshToken are then theirs.
func (s *Sandbox) SignInWithCode(scopes string) {
	s.T.Helper()
	ctx := context.Background()
	endpoint := oauth.TokenEndpoint{URL: s.Srv.TokenURL(), ClientID: sandbox.ClientID, ClientSecret: ClientSecret}
	flow, err := oauth.NewCodeFlow(oauth.Request{AuthorizeURL: s.Srv.AuthorizeURL(), ClientID: sandbox.ClientID,
		RedirectURI: sandbox.RedirectURI, Scopes: strings.Fields(scopes)}, endpoint)
	if err != nil {
		s.T.Fatal(err)
	}
	tok, err := flow.Finish(ctx, s.Authorize(flow.AuthorizeURL()))
	if err != nil {
		s.T.Fatalf("code-grant sign-in: %v", err)
	}
	s.Token, s.RefreshToken = tok.AccessToken, tok.RefreshToken
	s.SetToken(tok.AccessToken, strings.Fields(scopes))
	if err := s.Vault.Set(ctx, vault.RefreshTokenUser(s.Profile.ID), tok.RefreshToken); err != nil {
		s.T.Fatal(err)
	}
}

// ExpireIn makes the profile's token metadata say it expires in d.
func (s *Sandbox) ExpireIn(d time.Duration) {
	s.T.Helper()
	exp := time.Now().UTC().Add(d).Truncate(time.Second)
	err := s.Store.Update(func(f *profiles.File) error {
		p, _ := f.Find(s.Profile.ID)
		p.Token.ExpiresAt = &exp
		return nil
	})
	if err != nil {
		s.T.Fatal(err)
	}
}

// Config is a desktop.Config over the sandbox's stores and p, whose
// built-in sandbox ("Try the Sandbox") listens on a free port of its own.
func (s *Sandbox) Config(p desktop.Platform) desktop.Config {
	return desktop.Config{Version: "test", Profiles: s.Store, Vault: s.Vault, Platform: p, SandboxAddr: freeLoopback(s.T)}
}

// freeLoopback is a loopback address with a port nothing listens on now.
func freeLoopback(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Event is one event the services emitted.
type Event struct {
	Name    string
	Payload any
}

// Shown is one token window the services opened.
type Shown struct{ ProfileID, Title, Text string }

// Platform is a desktop.Platform that records everything the services ask
// of the desktop. Its file windows answer OpenFileAnswer and
// SaveFileAnswer; ShowSecret returns at once, as if the operator closed the
// window. The zero value is ready.
type Platform struct {
	mu             sync.Mutex
	events         []Event
	more           chan struct{}
	Opened         []string // addresses given to the system browser
	Copied         []string // plain text put on the clipboard
	Notes          []string // notifications, title and body
	SecretsCopied  []string // every token put on the secret clipboard
	SecretHolds    string   // what the secret clipboard holds now
	Shown          []Shown  // every token window, in order
	open           map[string]string
	Raised         int // how often the app's window was brought to the front
	Presented      int // how often the sign-in window was
	OpenFileAnswer string
	SaveFileAnswer string
	// FailSecretCopy makes CopySecret fail, as with no display.
	FailSecretCopy bool
}

func (p *Platform) Emit(event string, payload any) {
	p.mu.Lock()
	p.events = append(p.events, Event{event, payload})
	if p.more == nil {
		p.more = make(chan struct{}, 1)
	}
	more := p.more
	p.mu.Unlock()
	select {
	case more <- struct{}{}:
	default:
	}
}

// Events returns every event so far.
func (p *Platform) Events() []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.events)
}

// WaitFor waits (up to 30 s) until done holds for the events so far, and
// returns them; it fails the test otherwise.
func (p *Platform) WaitFor(t testing.TB, what string, done func([]Event) bool) []Event {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		p.mu.Lock()
		if p.more == nil {
			p.more = make(chan struct{}, 1)
		}
		more := p.more
		events := slices.Clone(p.events)
		p.mu.Unlock()
		if done(events) {
			return events
		}
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("waited 30 s for %s", what)
		}
	}
}

func (p *Platform) Notify(id, title, body string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Notes = append(p.Notes, title+" "+body)
	return true
}

func (p *Platform) CopyText(text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Copied = append(p.Copied, text)
	return nil
}

func (p *Platform) OpenURL(address string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Opened = append(p.Opened, address)
}

func (p *Platform) SaveFile(title, defaultName string, filter desktop.FileFilter) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.SaveFileAnswer, nil
}

func (p *Platform) OpenFile(title string, filter desktop.FileFilter) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.OpenFileAnswer, nil
}

func (p *Platform) RaiseWindow() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Raised++
}

func (p *Platform) CopySecret(text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.FailSecretCopy {
		return errNoDisplay
	}
	p.SecretsCopied = append(p.SecretsCopied, text)
	p.SecretHolds = text
	return nil
}

func (p *Platform) ClearSecret() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.SecretHolds = ""
}

// Holds is what the secret clipboard holds now.
func (p *Platform) Holds() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.SecretHolds
}

func (p *Platform) ShowSecret(profileID, title, token string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Shown = append(p.Shown, Shown{profileID, title, token})
	if p.open == nil {
		p.open = map[string]string{}
	}
	p.open[profileID] = token
	return nil
}

func (p *Platform) CloseSecret(profileID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.open, profileID)
}

func (p *Platform) CloseAllSecrets() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.open)
}

// Showing is what the token window of a profile shows; "" when none is open.
func (p *Platform) Showing(profileID string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open[profileID]
}

func (p *Platform) PresentSignInWindow() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Presented++
}

func (p *Platform) CloseSignInWindows() {}

type noDisplayError struct{}

func (noDisplayError) Error() string { return "no display" }

var errNoDisplay = noDisplayError{}
