//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// First run to signed out, through the accessibility tree: the welcome
// screen's "Try the Sandbox", Sign in (approved on the sandbox's consent
// page, itself read through the tree), the card, Verify now, Sign out.
// verifyResultText is what the card says of the last verification (as
// frontend/src/lib/tokens.ts words it).
func verifyResultText(p savedProfile) string {
	if note := strings.TrimSpace(p.Token.LastVerifyNote); note != "" {
		return note
	}
	if p.Token.LastVerifyOK {
		return "Zapier accepted the token"
	}
	return "Zapier did not accept the token"
}

func TestA11yFirstRunSignInVerifySignOut(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	s := o.startApp()
	step("app on the accessibility bus")

	s.find("heading", "Welcome to Partnerdesk")
	s.checkNames("the welcome screen")
	s.press("push button", "Try the Sandbox")
	s.waitText("Not signed in")
	p, ok := o.saved("Sandbox")
	if !ok || !p.Sandbox {
		t.Fatalf("profiles.json holds no Sandbox profile after Try the Sandbox: %+v", o.savedProfiles())
	}
	s.checkNames("the new Sandbox profile")
	step("Sandbox profile added")

	s.press("push button", "Sign in")
	consent := s.find("frame", "Partnerdesk sign-in")
	s.findIn(consent, "push button", "Approve")
	s.checkNames("the sign-in window")
	s.pressIn(consent, "push button", "Approve")
	s.waitText("Signed in as ")
	step("signed in")
	if keychainSecret(t, p.ID) == "" {
		t.Error("the card says signed in, the keychain holds no token")
	}
	p, _ = o.saved("Sandbox")
	if !p.Token.SignedIn || p.Token.Identity == nil {
		t.Fatalf("profiles.json does not record the sign-in: %+v", p.Token)
	}
	for _, scope := range p.Scopes {
		if !slices.Contains(p.Token.Scopes, scope) {
			t.Errorf("scope %q asked for, not granted: %v", scope, p.Token.Scopes)
		}
	}
	s.waitText(append([]string{"Scopes granted", "Signed in as " + p.Token.Identity.FullName}, p.Token.Scopes...)...)
	s.checkNames("the signed-in card")

	// Signing in verifies once; Verify now asks Zapier again.
	// The card may still be taking in the sign-in when the button first
	// shows, and a press on the old button is lost: press again while
	// nothing is recorded (a second verification is harmless).
	before := p.Token.LastVerifiedAt
	var pressed time.Time
	s.eventually("Verify now to be recorded", func() bool {
		p, _ = o.saved("Sandbox")
		if p.Token.LastVerifiedAt != nil && (before == nil || p.Token.LastVerifiedAt.After(*before)) {
			return true
		}
		if time.Since(pressed) > 3*time.Second {
			s.press("push button", "Verify now")
			pressed = time.Now()
		}
		return false
	})
	if !p.Token.LastVerifyOK {
		t.Errorf("profiles.json says the sandbox refused its own token: %+v", p.Token)
	}
	s.waitText("Last verified", verifyResultText(p))
	step("verified")

	s.press("push button", "Sign out")
	confirm := s.dialog("Sign out")
	s.checkNames("the sign-out confirmation")
	s.pressIn(confirm, "push button", "Sign out")
	s.waitText("Not signed in")
	if keychainSecret(t, p.ID) != "" {
		t.Error("signed out, the keychain still holds the token")
	}
	if p, _ = o.saved("Sandbox"); p.Token.SignedIn {
		t.Errorf("profiles.json still says signed in: %+v", p.Token)
	}
	step("signed out")
}
