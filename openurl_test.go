package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/adrg/xdg"

	"partnerdesk/internal/cli"
	"partnerdesk/internal/profiles"
)

// appWithoutProfiles is an app over an empty profile store, its native
// calls recorded.
func appWithoutProfiles(t *testing.T) (*App, *wailsRecorder) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	desk := &wailsRecorder{}
	a := &App{env: cli.Env{Profiles: profiles.NewStore()}, ctx: desk.appContext(context.Background())}
	return a, desk
}

// linkPattern finds web addresses written in the frontend's source.
var linkPattern = regexp.MustCompile(`https?://[A-Za-z0-9.-]+(:[0-9]+)?[^\s'"` + "`" + `<>)]*`)

// formDefault finds a form's default value, such as DEFAULT_API_BASE_URL.
var formDefault = regexp.MustCompile(`\bDEFAULT_[A-Z_]+\s*=`)

// frontendLinks lists every https address written in the frontend's source
// (tests aside), where the page can link to it. A form's default value
// (a DEFAULT_... constant) is not a link.
func frontendLinks(t *testing.T) []string {
	t.Helper()
	var links []string
	err := filepath.WalkDir("frontend/src", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "test" {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(path, ".svelte") || strings.HasSuffix(path, ".ts")) ||
			strings.HasSuffix(path, ".test.ts") || strings.HasSuffix(path, ".bench.ts") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if formDefault.MatchString(line) {
				continue
			}
			for _, link := range linkPattern.FindAllString(line, -1) {
				if strings.HasPrefix(link, "https://") && !slices.Contains(links, link) {
					links = append(links, link)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return links
}

func TestOpenURLOpensEveryLinkTheFrontendHas(t *testing.T) {
	links := frontendLinks(t)
	if len(links) < 2 {
		t.Fatalf("found only %v in frontend/src: the search is broken", links)
	}
	a, desk := appWithoutProfiles(t)
	for _, link := range links {
		if err := a.OpenURL(link); err != nil {
			t.Errorf("OpenURL(%q), a link in the frontend: %v. Add its host to zapierPages (app.go).", link, err)
		}
	}
	if len(desk.opened) != len(links) {
		t.Errorf("opened %v, want %v", desk.opened, links)
	}
}

func TestOpenURLOpensZapiersPagesAndTheHostsOfSavedProfiles(t *testing.T) {
	s := newSignedIn(t)
	for _, link := range []string{
		"https://zapier.com/editor/123",              // a Zap's page, from a row of the API
		"https://zapier.com/apps/slack/integrations", // an app's page
		s.srv.URL() + "/editor/42",                   // a row of the sandbox
		s.srv.AuthorizeURL() + "?state=s1",           // "Open it again" in the paste sign-in
	} {
		if err := s.app.OpenURL(link); err != nil {
			t.Errorf("OpenURL(%q): %v", link, err)
		}
	}
}

func TestOpenURLRefusesAnyOtherAddress(t *testing.T) {
	s := newSignedIn(t)
	hostile := []string{
		"https://evil.example/",
		"https://zapier.com.evil.example/",
		"https://hooks.zapier.com/hooks/catch/1/abc/?data=x", // takes data from anyone
		"https://zapier.com@evil.example/",
		"https://evil.example\\@zapier.com/",
		"http://zapier.com/", // Zapier's pages only over https
		"https://docs.zapier.com:8443/",
		"//evil.example/",
		"javascript:alert(1)",
		"file:///etc/passwd",
		"data:text/html,<script>alert(1)</script>",
		"http://127.0.0.1:9/",                                        // a local port no profile names
		strings.Replace(s.srv.URL(), "http://", "https://", 1) + "/", // the sandbox's host, another scheme
		"",
	}
	for _, link := range hostile {
		err := s.app.OpenURL(link)
		if err == nil {
			t.Errorf("OpenURL(%q) opened it", link)
		} else if err.Error() != errNotOpened.Error() {
			t.Errorf("OpenURL(%q) said %q", link, err)
		}
	}
	if len(s.desk.opened) != 0 {
		t.Errorf("the browser was sent to %v", s.desk.opened)
	}
}
