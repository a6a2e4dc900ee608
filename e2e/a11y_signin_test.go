//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// Signing in and the token, through the accessibility tree: cancel a
// sign-in, sign in, sign in again (a new token), copy it, show it in the
// native dialog, and a token Zapier rejects: the offer to sign in again, and
// the app's silent renewal.
func TestA11ySignInCancelAgainCopyShowRejected(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base := o.sandbox("ask")
	id := o.addProfile("Acme", base, registeredRedirect)
	s := o.startApp()

	s.press("push button", "Sign in")
	consent := s.find("frame", "Partnerdesk sign-in")
	s.findIn(consent, "push button", "Approve")
	s.find("push button", "Cancel sign-in")
	s.checkNames("a sign-in in progress")
	s.press("push button", "Cancel sign-in")
	s.waitText("Sign-in stopped", "Not signed in")
	s.waitGone("frame", "Partnerdesk sign-in")
	if keychainSecret(t, id) != "" {
		t.Error("a cancelled sign-in left a token in the keychain")
	}
	step("sign-in cancelled")

	approve := func() {
		t.Helper()
		s.pressIn(s.find("frame", "Partnerdesk sign-in"), "push button", "Approve")
		s.waitGone("frame", "Partnerdesk sign-in")
		s.waitText("Signed in as ")
	}
	s.press("push button", "Sign in")
	approve()
	first := keychainSecret(t, id)
	if first == "" {
		t.Fatal("signed in, the keychain holds no token")
	}
	step("signed in")

	s.press("push button", "Sign in again")
	approve()
	var second string
	s.eventually("a new token in the keychain", func() bool {
		second = keychainSecret(t, id)
		return second != "" && second != first
	})
	step("signed in again: a new token")

	exec.Command("sh", "-c", "printf before | xclip -selection clipboard").Run()
	s.press("push button", "Copy token")
	s.eventually("the token on the clipboard", func() bool {
		out, err := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		return err == nil && string(out) == second
	})
	s.waitText("Copied")
	step("token copied")

	// Show opens a native GTK window of its own, named by its title.
	s.press("push button", "Show")
	shown := s.find("dialog", "Token of Acme")
	s.checkNames("the token window")
	if text := s.bus.WindowText(shown); !strings.Contains(text, second) {
		t.Errorf("the token window does not show the token; it says:\n%s", text)
	}
	if text := s.bus.WindowText(s.mainWindow()); strings.Contains(text, second) {
		t.Error("the page shows the whole token")
	}
	s.pressIn(shown, "push button", "Close")
	s.eventually("the token window closing", func() bool { return !strings.Contains(s.text(), second) })
	step("token shown and closed")

	// Zapier stops accepting the token (here: the keychain holds one it
	// never issued). The card says so and offers to sign in again; the app
	// also tries once, without a window, to get a new token, which the
	// sandbox grants (a live token with the same scopes exists).
	const bogus = "sbx_not-a-token-the-sandbox-issued"
	storeSecret(t, id, bogus)
	s.press("push button", "Verify now")
	s.waitText("Zapier no longer accepts this token.")
	s.find("push button", "Sign in again")
	s.checkNames("a rejected token")
	step("the rejected token is reported")
	s.eventually("the silent renewal's new token in the keychain", func() bool {
		got := keychainSecret(t, id)
		return got != "" && got != bogus
	})
	s.eventually("the card to drop the rejection", func() bool {
		return !strings.Contains(s.text(), "Zapier no longer accepts this token.")
	})
	s.waitText("Signed in as ")
	step("renewed without a window")

	if strings.Contains(s.log.String(), second) || strings.Contains(s.log.String(), first) {
		t.Error("the app printed a token to its log")
	}
}

// storeSecret puts a secret in the keychain under a profile's id, as
// another tool could.
func storeSecret(t *testing.T, profileID, secret string) {
	t.Helper()
	cmd := exec.Command("secret-tool", "store", "--label", "partnerdesk test", "service", "partnerdesk", "username", profileID)
	cmd.Stdin = strings.NewReader(secret)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v\n%s", err, out)
	}
}
