package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/cli"
	"partnerdesk/internal/profiles"
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
