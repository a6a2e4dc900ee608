package signin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adrg/xdg"

	"partnerdesk/internal/loopback"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
)

// providerAnswer asks the sandbox's authorize endpoint (auto-approve) and
// returns where it redirects the browser, fragment included.
func providerAnswer(t *testing.T, authorizeURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc == "" {
		t.Fatalf("the provider did not redirect (status %d)", resp.StatusCode)
	}
	return loc
}

// browserFixture is a profile whose registered redirect_uri is on this
// computer, at a sandbox that knows it.
func browserFixture(t *testing.T, redirect string) *fixture {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	xdg.Reload()
	srv, err := sandbox.Start(sandbox.Options{Approve: sandbox.ApproveAuto, KeyFile: filepath.Join(t.TempDir(), "key"),
		Clients: map[string][]string{"loopback-client": {redirect}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := &fixture{vault: &memVault{secrets: map[string]string{}}, store: &profiles.Store{Path: filepath.Join(t.TempDir(), "profiles.json")}, base: srv.URL()}
	f.svc = &Service{Profiles: f.store, Vault: f.vault}
	err = f.store.Update(func(file *profiles.File) error {
		_, err := file.Add(profiles.Profile{ID: "p_acme", Name: "acme", ClientID: "loopback-client", RedirectURI: redirect,
			AuthorizeURL: srv.AuthorizeURL(), APIBaseURL: srv.URL(), Scopes: []string{"profile"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func freeLoopbackRedirect(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)
}

// relayBrowser plays the system browser for a sign-in at the loopback
// redirect: the provider redirects it to the relay page, whose script posts
// what it read from the address bar back to its own origin.
func relayBrowser(t *testing.T, redirect string) func(authorizeURL string) error {
	return func(authorizeURL string) error {
		go func() {
			answer, _ := url.Parse(providerAnswer(t, authorizeURL))
			form := url.Values{"query": {answer.RawQuery}, "fragment": {answer.Fragment}}
			req, _ := http.NewRequest(http.MethodPost, redirect, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://"+answer.Host)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
}

func TestSignInWithTheSystemBrowserThroughTheLoopbackRelay(t *testing.T) {
	redirect := freeLoopbackRedirect(t)
	f := browserFixture(t, redirect)
	f.svc.Browser = relayBrowser(t, redirect)
	p, err := f.svc.SignInWithBrowser(context.Background(), "acme", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.vault.secrets["p_acme"] == "" || p.Token.Identity == nil {
		t.Errorf("after a browser sign-in: token stored %v, identity %+v", f.vault.secrets["p_acme"] != "", p.Token.Identity)
	}
}

func TestTheBrowserMethodNeedsARedirectURIOnThisComputer(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto) // redirect_uri https://partner.invalid/...
	f.svc.Browser = func(string) error { t.Error("the browser opened for a redirect the app cannot receive"); return nil }
	if _, err := f.svc.SignInWithBrowser(context.Background(), "acme", Options{}); !errors.Is(err, loopback.ErrNotLoopback) {
		t.Errorf("got %v, want ErrNotLoopback", err)
	}
}

func TestAPastedAddressIsJudgedLikeAnInterceptedOne(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	var opened string
	f.svc.Browser = func(u string) error { opened = u; return nil }
	attempt, err := f.svc.BeginPaste("acme", false)
	if err != nil {
		t.Fatal(err)
	}
	if opened == "" || opened != attempt.AuthorizeURL() {
		t.Fatalf("the browser opened %q, want the authorize URL", opened)
	}
	answer := providerAnswer(t, opened)

	// A wrong paste leaves the attempt open.
	for _, wrong := range []string{"", "https://zapier.com/app/dashboard", "https://partner.invalid.evil.test/oauth/callback#" + strings.SplitN(answer, "#", 2)[1]} {
		if _, err := attempt.Complete(context.Background(), wrong); !errors.Is(err, ErrNotTheRedirect) {
			t.Errorf("Complete(%q) = %v, want ErrNotTheRedirect", wrong, err)
		}
	}
	if _, err := attempt.Complete(context.Background(), "  "+answer+"\n"); err != nil {
		t.Fatalf("the real address: %v", err)
	}
	if f.vault.secrets["p_acme"] == "" {
		t.Fatal("no token stored")
	}
	// The same answer twice is refused: one attempt, one answer.
	delete(f.vault.secrets, "p_acme")
	if _, err := attempt.Complete(context.Background(), answer); !errors.Is(err, oauth.ErrStateUsed) {
		t.Errorf("a replayed paste = %v, want ErrStateUsed", err)
	}
	if len(f.vault.secrets) != 0 {
		t.Error("a replayed paste stored a token")
	}
}
