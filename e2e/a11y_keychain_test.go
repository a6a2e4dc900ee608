//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// No keychain, through the accessibility tree: the app runs on a session
// bus where no Secret Service can start, says so, and offers to keep
// tokens for this session only; a sign-in then works and nothing reaches
// the keychain or the disk.
func TestA11yNoKeychainKeepTokensForThisSession(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base := o.sandbox("auto")
	id := o.addProfile("Acme", base, registeredRedirect)
	o.extra = append(o.extra, "DBUS_SESSION_BUS_ADDRESS="+deadKeychainBus(t))
	// That bus cannot start the accessibility bus either: the app joins
	// the session's.
	s := o.startApp()

	s.waitText("Partnerdesk cannot use your keychain")
	s.checkNames("the keychain problem")
	s.press("push button", "Keep tokens for this session only")
	// The note that replaces the problem ("Tokens are kept in memory only
	// until you quit Partnerdesk.") is a role="status" box that WebKitGTK
	// puts on the bus empty, like the toasts: it cannot be read here.
	s.waitGone("push button", "Keep tokens for this session only")
	if strings.Contains(s.text(), "Partnerdesk cannot use your keychain") {
		t.Error("keeping tokens for the session left the keychain problem on the page")
	}
	step("tokens kept for this session")

	s.press("push button", "Sign in")
	s.waitText("Signed in as ")
	step("signed in")
	exec.Command("sh", "-c", "printf before | xclip -selection clipboard").Run()
	s.press("push button", "Copy token")
	var token string
	s.eventually("the token on the clipboard", func() bool {
		token = selectionText("clipboard")
		return token != "" && token != "before"
	})
	if keychainSecret(t, id) != "" {
		t.Error("with tokens kept for the session only, the token reached the keychain")
	}
	if hits := o.leaks(token); len(hits) > 0 {
		t.Errorf("with tokens kept for the session only, the token was written to: %v", hits)
	}
	step("the token is in memory only")
}
