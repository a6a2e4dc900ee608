package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/cache"
	"partnerdesk/internal/cli"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
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
