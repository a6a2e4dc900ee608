//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"partnerdesk/e2e/atspi"
)

// The code grant in the app, through the accessibility tree: a profile for
// an app with a client secret added through the form (the secret typed
// into a password field), signed in against `partnerdesk sandbox` in the
// real sign-in window; the card says it renews automatically; the client
// secret and the refresh token are in the keychain (secret-tool) and in no
// file under the XDG folders, the log included.

// savedGrant is what profiles.json says of a profile's grant.
type savedGrant struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Grant    string `json:"grant"`
	TokenURL string `json:"token_url"`
}

func (o *operator) savedGrant(name string) (savedGrant, bool) {
	o.t.Helper()
	b, err := os.ReadFile(filepath.Join(o.dirs["XDG_CONFIG_HOME"], "partnerdesk", "profiles.json"))
	if err != nil {
		return savedGrant{}, false
	}
	var f struct{ Profiles []savedGrant }
	if err := json.Unmarshal(b, &f); err != nil {
		o.t.Fatalf("profiles.json: %v", err)
	}
	for _, p := range f.Profiles {
		if p.Name == name {
			return p, true
		}
	}
	return savedGrant{}, false
}

// typeSecret types into a password field. Its text is not read back:
// the accessibility bus does not give a password field's text.
func (s *screen) typeSecret(root string, name, text string) {
	s.t.Helper()
	form := s.find("form", root)
	n := s.findField(form, name)
	if n.Role != "password text" {
		s.t.Fatalf("the field %q is a %s; a client secret belongs in a password field", name, n.Role)
	}
	err := s.bus.Type(n, text)
	if errors.Is(err, atspi.ErrNotEditable) {
		// WebKit offers no EditableText for a password field: the keyboard.
		if err = s.bus.Focus(n); err == nil {
			err = exec.Command("xdotool", "type", "--delay", "5", text).Run()
		}
	}
	if err != nil {
		s.t.Fatal(err)
	}
}

func TestA11yCodeGrantAddSignInRenewsAutomatically(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	sb := o.codeSandbox(36000)
	s := o.startApp()
	step("app on the accessibility bus")

	s.press("push button", "Set up my company's app")
	form := s.find("form", "Set up your company")
	s.typeIn(form, "Profile name", "Acme 2024")
	s.typeIn(form, "Client ID", sandboxClient)
	s.typeIn(form, "Registered redirect URI", registeredRedirect)
	s.pressIn(form, "radio button", "Yes, my app has a client secret")
	s.typeSecret("Set up your company", "Client secret", grantSecret)
	s.pressIn(form, "push button", "Advanced")
	s.typeIn(form, "Authorize URL", sb.base+"/oauth/authorize/")
	s.typeIn(form, "API base URL", sb.base)
	s.typeIn(form, "Token URL", sb.tokenURL())
	s.checkNames("the form for an app with a client secret")
	s.pressIn(form, "push button", "Add profile")
	s.find("heading", "Acme 2024")
	s.waitText("Not signed in")
	p, ok := o.savedGrant("Acme 2024")
	if !ok || p.Grant != "code" || p.TokenURL != sb.tokenURL() {
		t.Fatalf("profiles.json holds %+v; want a code-grant profile with the sandbox's token URL", p)
	}
	if got := keychainSecret(t, p.ID+"/client-secret"); got != grantSecret {
		t.Fatalf("the keychain's client secret of the profile is %q, want the one typed", got)
	}
	step("profile added, its client secret in the keychain")

	s.press("push button", "Sign in")
	s.waitText("Signed in as ", "Renews automatically")
	s.checkNames("the card of a profile that renews automatically")
	access, refresh := keychainSecret(t, p.ID), keychainSecret(t, p.ID+"/refresh")
	if access == "" || refresh == "" {
		t.Fatalf("after the sign-in the keychain holds access token %v, refresh token %v; want both", access != "", refresh != "")
	}
	step("signed in through the code grant")

	// The overview names the grant.
	s.press("push button", "All tokens")
	s.waitText("With a client secret")
	step("the overview shows the grant")

	for what, secret := range map[string]string{"client secret": grantSecret, "refresh token": refresh, "access token": access} {
		if hits := o.leaks(strings.TrimSpace(secret)); len(hits) > 0 {
			t.Errorf("the %s is written in %v", what, hits)
		}
	}
	if text := s.text(); strings.Contains(text, grantSecret) || strings.Contains(text, strings.TrimSpace(refresh)) {
		t.Error("the app's windows show the client secret or the refresh token")
	}
}

// "Try the Sandbox" offers both grants: the Sandbox with a client secret
// signs in through the code grant with the built-in sandbox's own secret,
// which the app put in the keychain, and renews automatically.
func TestA11yTheSandboxWithAClientSecretSignsInAndRenewsAutomatically(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	s := o.startApp()
	s.find("heading", "Welcome to Partnerdesk")
	s.press("push button", "Start the Sandbox with a client secret")
	s.waitText("Not signed in")
	p, ok := o.savedGrant("Sandbox with client secret")
	if !ok || p.Grant != "code" {
		t.Fatalf("profiles.json holds %+v after Start the Sandbox with a client secret", o.savedProfiles())
	}
	if keychainSecret(t, p.ID+"/client-secret") == "" {
		t.Fatal("the keychain holds no client secret for the Sandbox with a client secret")
	}
	step("Sandbox with a client secret added")

	s.press("push button", "Sign in")
	consent := s.find("frame", "Partnerdesk sign-in")
	s.pressIn(consent, "push button", "Approve")
	s.waitText("Signed in as ", "Renews automatically")
	if keychainSecret(t, p.ID) == "" || keychainSecret(t, p.ID+"/refresh") == "" {
		t.Fatal("signed in, but the keychain lacks the access token or the refresh token")
	}
	s.checkNames("the Sandbox with a client secret, signed in")
	step("signed in through the code grant")
}

// The app renews a code-grant token before it expires with its refresh
// token: one refresh request, a new access token in the keychain, no
// window, and the card still signed in. The sandbox's tokens live 4
// minutes, less than the 5 minutes before expiry at which the app renews,
// so the renewal loop's next round (within a minute) renews.
func TestA11yTheAppRenewsACodeGrantTokenWithoutAWindow(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	sb := o.codeSandbox(240)
	id := o.addCodeProfile("Acme 2024", sb)
	s := o.startApp()
	s.press("push button", "Sign in")
	s.waitText("Signed in as ", "Renews automatically")
	first := keychainSecret(t, id)
	if first == "" {
		t.Fatal("signed in, the keychain holds no access token")
	}
	step("signed in")

	deadline := time.Now().Add(90 * time.Second)
	for sb.refreshes() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	if n := sb.refreshes(); n != 1 {
		t.Fatalf("%d refresh requests within 90 s; want the app's one renewal", n)
	}
	s.eventually("the renewed token in the keychain", func() bool {
		now := keychainSecret(t, id)
		return now != "" && now != first
	})
	if out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "Partnerdesk sign-in").Output(); len(out) > 0 {
		t.Error("a sign-in window is open: the renewal needs none")
	}
	s.waitText("Signed in as ", "Renews automatically")
	step("renewed without a window")
}
