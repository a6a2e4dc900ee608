package desktop_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/zalando/go-keyring"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/desktop"
	"partnerdesk/internal/desktop/desktoptest"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// app is the services over a sandbox with a signed-in profile, a sign-in
// window (when given) and a recording platform.
type app struct {
	*desktoptest.Sandbox
	svc  *desktop.Services
	desk *desktoptest.Platform
}

func newApp(t *testing.T, scopes string, win signin.Window) *app {
	t.Helper()
	sb := desktoptest.NewSandbox(t, sandbox.Options{}, scopes)
	desk := &desktoptest.Platform{}
	cfg := sb.Config(desk)
	cfg.Window = win
	a := &app{Sandbox: sb, svc: desktop.New(cfg), desk: desk}
	a.svc.Start(t.Context())
	return a
}

func (a *app) state() desktop.AppState {
	a.T.Helper()
	st, err := a.svc.Session.GetState()
	if err != nil {
		a.T.Fatal(err)
	}
	return st
}

func (a *app) hasProfile(name string) bool {
	return slices.ContainsFunc(a.state().Profiles, func(v desktop.ProfileView) bool { return v.Name == name })
}

// fetch runs a list fetch to its end and returns its error event, if any.
func (a *app) fetch(resource string) *desktop.ResourceError {
	a.T.Helper()
	job, err := a.svc.Browse.FetchResource(a.Profile.ID, resource, false, nil)
	if err != nil {
		a.T.Fatal(err)
	}
	var failed *desktop.ResourceError
	a.desk.WaitFor(a.T, "the end of "+job, func(events []desktoptest.Event) bool {
		for _, e := range events {
			switch p := e.Payload.(type) {
			case desktop.ResourcePage:
				if p.JobID == job && p.Done {
					return true
				}
			case desktop.ResourceError:
				if p.JobID == job {
					failed = &p
					return true
				}
			}
		}
		return false
	})
	return failed
}

// attemptsEnded waits until n sign-in attempts have ended (each ends with
// a "done" progress event).
func (a *app) attemptsEnded(n int) {
	a.T.Helper()
	a.desk.WaitFor(a.T, fmt.Sprint(n, " sign-in attempts to end"), func(events []desktoptest.Event) bool {
		done := 0
		for _, e := range events {
			if p, ok := e.Payload.(desktop.ProgressEvent); ok && p.Stage == "done" {
				done++
			}
		}
		return done >= n
	})
}

func TestMaskShowsOnlyTheEnds(t *testing.T) {
	if got := desktop.Mask("abcd0123456789wxyz"); got != "abcd…wxyz" {
		t.Errorf("Mask = %q", got)
	}
	if got := desktop.Mask("short-token"); strings.Contains(got, "short") || strings.Contains(got, "token") {
		t.Errorf("a short token was not hidden whole: %q", got)
	}
}

func TestAViewNamesTheScopesTheTokenWasNotGranted(t *testing.T) {
	now := time.Now()
	p := profiles.Profile{ID: "p", Name: "Acme", Scopes: []string{"profile", "zap", "zap:runs"},
		Token: profiles.TokenMeta{SignedIn: true, ObtainedAt: &now, Scopes: []string{"profile", "zap"}}}
	v := desktop.ViewOf(p, now)
	if len(v.MissingScopes) != 1 || v.MissingScopes[0] != "zap:runs" {
		t.Errorf("MissingScopes = %v, want [zap:runs]", v.MissingScopes)
	}
	p.Token = profiles.TokenMeta{}
	if v := desktop.ViewOf(p, now); len(v.MissingScopes) != 0 {
		t.Errorf("a profile not signed in reports missing scopes: %v", v.MissingScopes)
	}
}

// The page shows the status, its words and the browser sign-in method Go
// decides; it no longer works them out itself.
func TestAViewCarriesItsStatusAndBrowserSignInMethod(t *testing.T) {
	now := time.Now()
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	for _, c := range []struct {
		name   string
		token  profiles.TokenMeta
		status desktop.Status
		label  string
	}{
		{"not signed in", profiles.TokenMeta{}, desktop.StatusSignedOut, "Not signed in"},
		{"signed in", profiles.TokenMeta{SignedIn: true, ExpiresAt: &future}, desktop.StatusSignedIn, "Signed in"},
		{"expired", profiles.TokenMeta{SignedIn: true, ExpiresAt: &past}, desktop.StatusExpired, "Expired"},
		{"rejected outranks expired", profiles.TokenMeta{SignedIn: true, Invalid: true, ExpiresAt: &past}, desktop.StatusInvalid, "Token rejected"},
	} {
		v := desktop.ViewOf(profiles.Profile{ID: "p", RedirectURI: "https://acme.example/cb", Token: c.token}, now)
		if v.Status != c.status || v.StatusLabel != c.label {
			t.Errorf("%s: status %q %q, want %q %q", c.name, v.Status, v.StatusLabel, c.status, c.label)
		}
	}
	for uri, want := range map[string]desktop.BrowserMethod{
		"http://127.0.0.1:8765/cb":  desktop.BrowserLoopback,
		"http://localhost:8765/cb":  desktop.BrowserLoopback,
		"https://acme.example/cb":   desktop.BrowserPaste,
		"http://127.0.0.1/cb":       desktop.BrowserPaste, // no port: Go cannot listen for it
		"http://partner.example:80": desktop.BrowserPaste,
	} {
		if got := desktop.ViewOf(profiles.Profile{RedirectURI: uri}, now).BrowserMethod; got != want {
			t.Errorf("browser method of %s = %q, want %q", uri, got, want)
		}
	}
}

// Each progress event carries the words for its stage, in the method's
// terms: the page shows them as they come.
func TestProgressEventsCarryTheWordsOfTheirMethod(t *testing.T) {
	a := newApp(t, "profile zap", (&redirectWindow{}).open)
	if out := a.svc.SignIn.SignIn(a.Profile.ID, true); !out.OK {
		t.Fatalf("sign-in: %s", out.Message)
	}
	var opening []string
	for _, e := range a.desk.Events() {
		if p, ok := e.Payload.(desktop.ProgressEvent); ok {
			if p.Stage != "done" && p.Message == "" {
				t.Errorf("stage %q came without words", p.Stage)
			}
			if p.Stage == "opening" {
				opening = append(opening, p.Message)
			}
		}
	}
	if len(opening) == 0 || !strings.Contains(opening[0], "sign-in window") {
		t.Errorf("the window's opening said %q", opening)
	}
}

func TestTheAppNoticesProfileChangesMadeByTheCommandLine(t *testing.T) {
	desktoptest.Isolate(t)
	desk := &desktoptest.Platform{}
	svc := desktop.New(desktop.Config{Profiles: profiles.NewStore(), Platform: desk})
	go svc.WatchProfiles(t.Context(), 20*time.Millisecond)

	// Another process (a second store) writes profiles.json until the app
	// says so; the first write may land before the watcher took its stamp.
	other := profiles.NewStore()
	for i := 0; ; i++ {
		err := other.Update(func(f *profiles.File) error {
			_, err := f.Add(profiles.Profile{Name: fmt.Sprint("p", i), ClientID: "c", RedirectURI: "https://a.example/cb"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if events := desk.Events(); len(events) > 0 {
			if events[0].Name != desktop.EventStateChanged {
				t.Fatalf("event %q, want state:changed", events[0].Name)
			}
			return
		}
		if i == 100 {
			t.Fatal("the app did not notice profiles.json changing")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// "Remove all my data" leaves nothing of Partnerdesk on disk: profiles.json
// first of all, then each profile's sign-in session (web data), cached
// results, the sandbox's key and the logs; and its tokens leave the keychain.
func TestRemoveAllDataDeletesTheRealFilesFromDisk(t *testing.T) {
	a := newApp(t, "profile zap", nil)
	var other profiles.Profile
	err := a.Store.Update(func(f *profiles.File) error {
		p, err := f.Add(profiles.Profile{Name: "other", ClientID: "c", RedirectURI: sandbox.RedirectURI})
		other = *p
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{a.Profile.ID, other.ID} {
		mustWrite(t, filepath.Join(signin.WebDataDir(id), "cookies.sqlite"), "a provider session")
		if err := cache.Save(id, cache.Entry{Resource: "v1/zaps", FetchedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sandbox.New(sandbox.Options{}); err != nil { // the installation's sandbox key
		t.Fatal(err)
	}
	logger, closeLog, err := logging.Setup(logging.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logger.Warn("a line for the log file")
	closeLog()

	profilesFile, err := profiles.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	roots := []string{xdg.ConfigHome, xdg.DataHome, xdg.CacheHome, xdg.StateHome}
	before := filesUnder(t, roots)
	if !slices.Contains(before, profilesFile) || len(before) < 5 {
		t.Fatalf("the test did not set up the files; on disk: %v", before)
	}

	if err := a.svc.Session.RemoveAllData(); err != nil {
		t.Fatalf("RemoveAllData: %v", err)
	}
	if left := filesUnder(t, roots); len(left) != 0 {
		t.Errorf("files left after Remove all data: %v", left)
	}
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			t.Errorf("the XDG folder %s itself went too: %v", root, err)
		}
	}
	if _, err := a.Vault.Get(context.Background(), a.Profile.ID); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("the token is still in the keychain: %v", err)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// filesUnder lists every file under the Partnerdesk folder of each root.
func filesUnder(t *testing.T, roots []string) []string {
	t.Helper()
	var files []string
	for _, root := range roots {
		err := filepath.WalkDir(filepath.Join(root, "partnerdesk"), func(path string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err == nil && !d.IsDir() {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// redirectWindow stands in for the sign-in window: it loads the authorize
// page over HTTP and follows the provider's redirects until the registered
// redirect URI, as the window does when the provider needs no one to click
// (the sandbox in auto mode). It records every attempt.
type redirectWindow struct {
	mu     sync.Mutex
	opened []window.Options
}

func (w *redirectWindow) open(ctx context.Context, o window.Options) (string, error) {
	w.mu.Lock()
	w.opened = append(w.opened, o)
	w.mu.Unlock()
	return signintest.FollowRedirects(ctx, o)
}

func (w *redirectWindow) attempts() []window.Options {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.opened)
}

// restartSandbox stops the sandbox and starts another on the same address
// with a new signing key, as a sandbox reinstalled elsewhere: every token
// the first one issued is now rejected.
func (a *app) restartSandbox(approve sandbox.Approve) {
	a.T.Helper()
	addr := strings.TrimPrefix(a.Srv.URL(), "http://")
	a.Srv.Close()
	srv, err := sandbox.Start(sandbox.Options{Addr: addr, Approve: approve, KeyFile: filepath.Join(a.T.TempDir(), "other-key")})
	if err != nil {
		a.T.Fatal(err)
	}
	a.T.Cleanup(func() { srv.Close() })
	a.Srv = srv
}

// The app tries once, silently, to get a new token when Zapier rejects the
// one it has, through the sign-in window, hidden.
func TestARejectedTokenGetsOneSilentRenewal(t *testing.T) {
	w := &redirectWindow{}
	a := newApp(t, "profile zap", w.open)
	rejected := a.Token
	a.restartSandbox(sandbox.ApproveAuto)

	if e := a.fetch("v2/zaps"); e == nil || e.Kind != "token-invalid" {
		t.Fatalf("error %+v, want token-invalid", e)
	}
	a.attemptsEnded(1)
	tried := w.attempts()
	if len(tried) != 1 {
		t.Fatalf("%d sign-in attempts after one rejection, want exactly 1", len(tried))
	}
	if !tried[0].Hidden {
		t.Error("the renewal showed the sign-in window; a silent try starts hidden")
	}
	renewed, err := a.Vault.Get(context.Background(), a.Profile.ID)
	if err != nil || renewed == rejected {
		t.Fatalf("the keychain holds the rejected token or none (%v)", err)
	}
	if v := a.state().Profiles[0]; v.Status != desktop.StatusSignedIn {
		t.Errorf("after the renewal the profile reads %q", v.Status)
	}
	if e := a.fetch("v2/zaps"); e != nil {
		t.Errorf("the renewed token was not accepted: %+v", e)
	}
	if n := len(w.attempts()); n != 1 {
		t.Errorf("%d sign-in attempts in all, want 1", n)
	}
}

// When the silent try fails, the app does not try again for the same
// token, however often Zapier rejects it: one try, never a loop.
func TestAFailedSilentRenewalIsNotRetried(t *testing.T) {
	w := &redirectWindow{}
	a := newApp(t, "profile zap", w.open)
	rejected := a.Token
	a.restartSandbox(sandbox.ApproveDeny) // the provider now refuses to renew

	if e := a.fetch("v2/zaps"); e == nil || e.Kind != "token-invalid" {
		t.Fatalf("error %+v, want token-invalid", e)
	}
	a.attemptsEnded(1)
	for range 2 {
		if v, _ := a.svc.SignIn.Verify(a.Profile.ID); !v.TokenInvalid {
			t.Fatalf("Verify: the token reads valid")
		}
	}
	// A second attempt would have started within milliseconds of a
	// rejection; this wait can only miss one, never fail wrongly.
	time.Sleep(500 * time.Millisecond)
	if n := len(w.attempts()); n != 1 {
		t.Fatalf("%d sign-in attempts after three rejections of the same token, want exactly 1", n)
	}
	if tok, _ := a.Vault.Get(context.Background(), a.Profile.ID); tok != rejected {
		t.Error("the keychain's token changed, yet the renewal was refused")
	}
	if v := a.state().Profiles[0]; v.Status != desktop.StatusInvalid {
		t.Errorf("the profile reads %q, want its token rejected", v.Status)
	}
}

// hiddenThenRedirect stands in for the sign-in window: a hidden one (a
// silent renewal) stays open, unseen, until it is cancelled, as when the
// provider's page is slow; a visible one signs in at once (redirectWindow).
type hiddenThenRedirect struct {
	redirectWindow
	hiddenOpen chan struct{} // receives when a hidden window opens
}

func (w *hiddenThenRedirect) open(ctx context.Context, o window.Options) (string, error) {
	if !o.Hidden {
		return w.redirectWindow.open(ctx, o)
	}
	w.mu.Lock()
	w.opened = append(w.opened, o)
	w.mu.Unlock()
	w.hiddenOpen <- struct{}{}
	<-ctx.Done()
	return "", window.ErrCancelled
}

// A sign-in the operator asks for while a silent renewal's hidden window is
// open stops the renewal and goes ahead, rather than saying a sign-in
// window is open that the operator cannot see.
func TestASignInTheOperatorAsksForStopsAHiddenRenewal(t *testing.T) {
	for name, signIn := range map[string]func(a *app) string{
		"sign in": func(a *app) string {
			if out := a.svc.SignIn.SignIn(a.Profile.ID, true); !out.OK {
				return out.Message
			}
			return ""
		},
		"paste the address": func(a *app) string {
			if _, err := a.svc.SignIn.StartPaste(a.Profile.ID, true); err != nil {
				return err.Error()
			}
			return ""
		},
	} {
		t.Run(name, func(t *testing.T) {
			w := &hiddenThenRedirect{hiddenOpen: make(chan struct{}, 1)}
			a := newApp(t, "profile zap", w.open)
			a.svc.SetBrowser(func(string) error { return nil }) // paste: the system browser
			renewed := make(chan struct{})
			go func() {
				a.svc.RenewSilently(a.Profile.ID)
				close(renewed)
			}()
			<-w.hiddenOpen
			if msg := signIn(a); msg != "" {
				t.Fatalf("the sign-in the operator asked for ended with %q", msg)
			}
			<-renewed // the renewal ended: it was stopped, not left running
			if name == "sign in" {
				tried := w.attempts()
				if len(tried) != 2 || !tried[0].Hidden || tried[1].Hidden {
					t.Errorf("sign-in windows opened: %+v; want the hidden renewal, then a visible one", tried)
				}
			}
		})
	}
}

func TestRemovingInTheAppWithoutAKeychain(t *testing.T) {
	a := newApp(t, "profile zap", nil)
	keyring.MockInitWithError(&vault.UnavailableError{Reason: "no Secret Service on the session bus"})
	err := a.svc.Profiles.RemoveProfile(a.Profile.ID)
	if err == nil || !strings.Contains(err.Error(), "was not removed") || !strings.Contains(err.Error(), "--keep-token") {
		t.Errorf("removing a signed-in profile without a keychain = %v", err)
	}
	if !a.hasProfile("acme") {
		t.Fatal("the profile went, its token left behind")
	}
	a.Store.Update(func(f *profiles.File) error {
		p, _ := f.Find(a.Profile.ID)
		p.Token = profiles.TokenMeta{}
		return nil
	})
	if err := a.svc.Profiles.RemoveProfile(a.Profile.ID); err != nil || a.hasProfile("acme") {
		t.Errorf("removing a profile with no token without a keychain = %v", err)
	}
}
