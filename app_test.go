package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/cli"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

func TestMaskShowsOnlyTheEnds(t *testing.T) {
	if got := Mask("abcd0123456789wxyz"); got != "abcd…wxyz" {
		t.Errorf("Mask = %q", got)
	}
	if got := Mask("short-token"); strings.Contains(got, "short") || strings.Contains(got, "token") {
		t.Errorf("a short token was not hidden whole: %q", got)
	}
}

func TestAViewNamesTheScopesTheTokenWasNotGranted(t *testing.T) {
	now := time.Now()
	p := profiles.Profile{ID: "p", Name: "Acme", Scopes: []string{"profile", "zap", "zap:runs"},
		Token: profiles.TokenMeta{SignedIn: true, ObtainedAt: &now, Scopes: []string{"profile", "zap"}}}
	v := viewOf(p, now)
	if len(v.MissingScopes) != 1 || v.MissingScopes[0] != "zap:runs" {
		t.Errorf("MissingScopes = %v, want [zap:runs]", v.MissingScopes)
	}
	p.Token = profiles.TokenMeta{}
	if v := viewOf(p, now); len(v.MissingScopes) != 0 {
		t.Errorf("a profile not signed in reports missing scopes: %v", v.MissingScopes)
	}
}

func TestTheAppNoticesProfileChangesMadeByTheCommandLine(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	old := profilesPoll
	profilesPoll = 20 * time.Millisecond
	t.Cleanup(func() { profilesPoll = old })

	events := make(chan string, 100)
	a := &App{env: cli.Env{Profiles: profiles.NewStore()}, emit: func(name string, _ any) { events <- name }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.watchProfiles(ctx)

	// Another process (a second store) writes profiles.json until the app
	// says so; the first write may land before the watcher took its stamp.
	other := profiles.NewStore()
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		err := other.Update(func(f *profiles.File) error {
			_, err := f.Add(profiles.Profile{Name: fmt.Sprint("p", i), ClientID: "c", RedirectURI: "https://a.example/cb"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case name := <-events:
			if name != "state:changed" {
				t.Fatalf("event %q, want state:changed", name)
			}
			return
		case <-deadline:
			t.Fatal("the app did not notice profiles.json changing")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// "Remove all my data" leaves nothing of Partnerdesk on disk: profiles.json
// first of all, then each profile's sign-in session (web data), cached
// results, the sandbox's key and the logs; and its tokens leave the keychain.
func TestRemoveAllDataDeletesTheRealFilesFromDisk(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.app.ctx = t.Context()
	// A second profile, signed out, with a session and a cache of its own.
	var other profiles.Profile
	err := b.app.env.Profiles.Update(func(f *profiles.File) error {
		p, err := f.Add(profiles.Profile{Name: "other", ClientID: "c", RedirectURI: sandbox.RedirectURI})
		other = *p
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{b.profile.ID, other.ID} {
		cookies := filepath.Join(signin.WebDataDir(id), "cookies.sqlite")
		mustWrite(t, cookies, "a provider session")
		if err := cache.Save(id, cache.Entry{Resource: "v1/zaps", FetchedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	// The installation's sandbox key, where the built-in sandbox keeps it.
	if _, err := sandbox.New(sandbox.Options{}); err != nil {
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
	for _, want := range []string{
		profilesFile,
		filepath.Join(signin.WebDataDir(b.profile.ID), "cookies.sqlite"),
		filepath.Join(signin.WebDataDir(other.ID), "cookies.sqlite"),
		filepath.Join(logging.DefaultDir(), logging.FileName),
		filepath.Join(xdg.DataHome, "partnerdesk", "sandbox.key"),
	} {
		if !slices.Contains(before, want) {
			t.Fatalf("the test did not set up %s; on disk: %v", want, before)
		}
	}

	if err := b.app.RemoveAllData(); err != nil {
		t.Fatalf("RemoveAllData: %v", err)
	}

	if _, err := os.Stat(profilesFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("profiles.json is still on disk after Remove all data (%v)", err)
	}
	left := filesUnder(t, roots)
	if len(left) != 0 {
		t.Errorf("files left after Remove all data: %v", left)
	}
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			t.Errorf("the XDG folder %s itself went too: %v", root, err)
		}
	}
	if _, err := b.app.env.Vault.Get(context.Background(), b.profile.ID); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("the token is still in the keychain: %v", err)
	}
	t.Logf("Remove all data: %d files before, %d left", len(before), len(left))
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
	m, err := oauth.NewMatcher(o.RedirectURI)
	if err != nil {
		return "", err
	}
	var caught string
	client := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if m.Match(r.URL.String()) {
			caught = r.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.AuthorizeURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if caught == "" {
		return "", window.ErrTimeout
	}
	return caught, nil
}

func (w *redirectWindow) attempts() []window.Options {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.opened)
}

// restartSandbox stops the browser's sandbox and starts another on the same
// address with a new signing key, as a sandbox reinstalled elsewhere: every
// token the first one issued is now rejected.
func (b *browser) restartSandbox(approve sandbox.Approve) {
	b.t.Helper()
	addr := strings.TrimPrefix(b.srv.URL(), "http://")
	b.srv.Close()
	srv, err := sandbox.Start(sandbox.Options{Addr: addr, Approve: approve, KeyFile: filepath.Join(b.t.TempDir(), "other-key")})
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { srv.Close() })
	b.srv = srv
}

// attemptsEnded waits until n sign-in attempts have ended (each ends with
// a "done" progress event).
func (b *browser) attemptsEnded(n int) {
	b.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		b.mu.Lock()
		done := 0
		for _, e := range b.events {
			if p, ok := e.payload.(progressEvent); ok && p.Stage == "done" {
				done++
			}
		}
		b.mu.Unlock()
		if done >= n {
			return
		}
		select {
		case <-b.more:
		case <-deadline:
			b.t.Fatalf("%d of %d sign-in attempts ended", done, n)
		}
	}
}

// The app tries once, silently, to get a new token when Zapier rejects the
// one it has, through the sign-in window, hidden.
func TestARejectedTokenGetsOneSilentRenewal(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.app.ctx = t.Context()
	window := &redirectWindow{}
	b.app.service.Window = window.open
	rejected := b.token
	b.restartSandbox(sandbox.ApproveAuto)

	if e := errorOf(b.fetch("v2/zaps", false, nil)); e == nil || e.Kind != "token-invalid" {
		t.Fatalf("error %+v, want token-invalid", e)
	}
	b.attemptsEnded(1)

	tried := window.attempts()
	if len(tried) != 1 {
		t.Fatalf("%d sign-in attempts after one rejection, want exactly 1", len(tried))
	}
	if !tried[0].Hidden {
		t.Error("the renewal showed the sign-in window; a silent try starts hidden")
	}
	renewed, err := b.app.env.Vault.Get(context.Background(), b.profile.ID)
	if err != nil || renewed == rejected {
		t.Fatalf("the keychain holds the rejected token or none (%v)", err)
	}
	p, _ := b.app.profileByID(b.profile.ID)
	if !p.Token.SignedIn || p.Token.Invalid {
		t.Errorf("after the renewal the profile reads signed in %v, invalid %v", p.Token.SignedIn, p.Token.Invalid)
	}
	// The new token works, and using it starts no other attempt.
	if e := errorOf(b.fetch("v2/zaps", false, nil)); e != nil {
		t.Errorf("the renewed token was not accepted: %+v", e)
	}
	if n := len(window.attempts()); n != 1 {
		t.Errorf("%d sign-in attempts in all, want 1", n)
	}
}

// When the silent try fails, the app does not try again for the same
// token, however often Zapier rejects it: one try, never a loop.
func TestAFailedSilentRenewalIsNotRetried(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.app.ctx = t.Context()
	window := &redirectWindow{}
	b.app.service.Window = window.open
	rejected := b.token
	b.restartSandbox(sandbox.ApproveDeny) // the provider now refuses to renew

	if e := errorOf(b.fetch("v2/zaps", false, nil)); e == nil || e.Kind != "token-invalid" {
		t.Fatalf("error %+v, want token-invalid", e)
	}
	b.attemptsEnded(1)
	// The operator checks the token again and again: Zapier rejects it each
	// time. (A list no longer sends a token marked rejected; a check does.)
	for range 2 {
		if v, _ := b.app.Verify(b.profile.ID); !v.TokenInvalid {
			t.Fatalf("Verify: the token reads valid")
		}
	}
	// A second attempt would have started within milliseconds of a
	// rejection; this wait can only miss one, never fail wrongly.
	time.Sleep(500 * time.Millisecond)
	if n := len(window.attempts()); n != 1 {
		t.Fatalf("%d sign-in attempts after three rejections of the same token, want exactly 1", n)
	}
	if tok, _ := b.app.env.Vault.Get(context.Background(), b.profile.ID); tok != rejected {
		t.Error("the keychain's token changed, yet the renewal was refused")
	}
	if p, _ := b.app.profileByID(b.profile.ID); !p.Token.Invalid {
		t.Error("the profile does not say its token was rejected")
	}
}
