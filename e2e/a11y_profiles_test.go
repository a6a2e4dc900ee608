//go:build e2e

package e2e

import (
	"testing"
	"time"
)

// Profiles through the accessibility tree: add one through the form (its
// Advanced part too), sign in to it, see its token expire in the all-tokens
// overview and sign out of all expired after renaming it, remove it; remove a
// signed-in profile and its token leaves the keychain.
func TestA11yProfilesAddExpireRenameRemove(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base := o.sandbox("auto")
	// Tokens from this one expire 4 seconds after they are issued.
	brief := o.sandboxWith("auto", "--expires-in", "4")
	acmeID := o.addProfile("Acme", base, registeredRedirect)
	s := o.startApp()
	s.press("push button", "Sign in")
	s.waitText("Signed in as ")
	step("Acme signed in")

	s.press("push button", "Add profile")
	form := s.find("form", "Set up your company")
	s.typeIn(form, "Profile name", "Short")
	s.typeIn(form, "Client ID", sandboxClient)
	s.typeIn(form, "Registered redirect URI", registeredRedirect)
	s.pressIn(form, "push button", "Advanced")
	s.typeIn(form, "Authorize URL", brief+"/oauth/authorize/")
	s.typeIn(form, "API base URL", brief)
	s.checkNames("the new profile form")
	s.pressIn(form, "push button", "Add profile")
	s.find("heading", "Short")
	s.waitText("Not signed in")
	short, ok := o.saved("Short")
	if !ok {
		t.Fatalf("profiles.json holds no profile Short after Add profile: %+v", o.savedProfiles())
	}
	if short.ClientID != sandboxClient || short.RedirectURI != registeredRedirect {
		t.Errorf("profiles.json holds Short as %+v", short)
	}
	step("Short added through the form")

	s.press("push button", "Sign in")
	s.waitText("Signed in as ")
	token := keychainSecret(t, short.ID)
	if token == "" {
		t.Fatal("Short signed in, the keychain holds no token for it")
	}
	step("Short signed in")

	// A rename keeps the profile's id, and so its token.
	openSettings(s)
	s.checkNames("the profile's App settings")
	s.press("push button", "Edit")
	edit := s.find("form", "Edit Short")
	s.checkNames("the edit form")
	s.typeIn(edit, "Profile name", "Brief")
	s.pressIn(edit, "push button", "Save changes")
	s.find("heading", "Brief")
	s.waitText("Signed in as ")
	if p, ok := o.saved("Brief"); !ok || p.ID != short.ID {
		t.Errorf("after the rename profiles.json holds %+v, want Short's id %s named Brief", o.savedProfiles(), short.ID)
	}
	if keychainSecret(t, short.ID) != token {
		t.Error("renaming the profile changed or dropped its token")
	}
	step("renamed to Brief")

	// The overview judges expiry when it opens: open it once the token's
	// time is up.
	p, _ := o.saved("Brief")
	if p.Token.ExpiresAt == nil {
		t.Fatalf("profiles.json has no expiry for a token the sandbox gave for 4 seconds: %+v", p.Token)
	}
	time.Sleep(time.Until(*p.Token.ExpiresAt) + time.Second)
	s.press("push button", "All tokens")
	s.find("heading", "All tokens")
	s.waitText("Acme", "Brief", "1 expired")
	s.checkNames("All tokens")
	s.press("push button", "Sign out of all expired (1)")
	confirm := s.dialog("Sign out of 1 expired token")
	s.checkNames("the sign-out-of-all-expired confirmation")
	s.pressIn(confirm, "push button", "Sign out")
	s.eventually("Brief's token leaving the keychain", func() bool { return keychainSecret(t, short.ID) == "" })
	if keychainSecret(t, acmeID) == "" {
		t.Error("signing out of all expired also removed Acme's live token")
	}
	if p, _ := o.saved("Brief"); p.Token.SignedIn {
		t.Errorf("profiles.json still says Brief is signed in: %+v", p.Token)
	}
	step("signed out of all expired")

	s.press("push button", "Brief")
	openSettings(s)
	s.press("push button", "Remove profile")
	confirm = s.dialog("Remove Brief?")
	s.checkNames("the remove-profile confirmation")
	s.pressIn(confirm, "push button", "Remove profile")
	// The sidebar no longer lists it (while the dialog is open the page
	// behind it is hidden from the tree: wait for the dialog to go first).
	s.waitGone("dialog", "Remove Brief?")
	s.waitGone("push button", "Brief")
	if _, ok := o.saved("Brief"); ok {
		t.Errorf("the page no longer lists Brief, profiles.json still holds it")
	}
	step("Brief removed")

	s.press("push button", "Acme")
	openSettings(s)
	s.press("push button", "Remove profile")
	s.pressIn(s.dialog("Remove Acme?"), "push button", "Remove profile")
	s.find("heading", "Welcome to Partnerdesk")
	if keychainSecret(t, acmeID) != "" {
		t.Error("Acme was removed, its token is still in the keychain")
	}
	if ps := o.savedProfiles(); len(ps) != 0 {
		t.Errorf("profiles.json still holds %+v", ps)
	}
	step("Acme removed with its token; back to the welcome screen")
}

// openSettings opens the card's "App settings" unless it is open already
// (a press would close it).
func openSettings(s *screen) {
	s.t.Helper()
	s.find("push button", "App settings")
	if len(s.bus.FindAll(s.app, "push button", "Remove profile")) == 0 {
		s.press("push button", "App settings")
	}
}
