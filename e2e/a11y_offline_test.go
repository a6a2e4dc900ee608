//go:build e2e

package e2e

import (
	"encoding/json"
	"os/exec"
	"testing"
)

// Browsing offline, in the light theme, through the accessibility tree: a
// profile file's trust question cancelled, a browser sign-in cancelled, a
// list browsed and copied as JSON, then Zapier out of reach: the list
// reloads from its saved copy and says "as of" when. Tab goes round Browse.
func TestA11yOfflineRowsAsOfLightThemeCancels(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base, stopSandbox := o.stoppableSandbox("auto", "--apps", "7")
	o.addProfile("Acme", base, registeredRedirect)
	o.fakeBrowser() // the browser sign-in opens no real browser
	// Light: GTK's default theme, as the session has it.
	s := o.startApp(writeProfileFile(t, "Colleague", base)) // a double-click
	trust := s.dialog("Import “Colleague”?")
	s.pressIn(trust, "push button", "Cancel")
	s.waitGone("dialog", "Import “Colleague”?")
	if _, ok := o.saved("Colleague"); ok {
		t.Error("Cancel on the trust question added the profile")
	}
	step("the profile file's trust question cancelled")
	s.waitText("Not signed in")
	if l := s.luminance("theme-light-card.png"); l < 0.6 {
		t.Errorf("in GTK's default (light) theme the card's mean luminance is %.2f: want a light page (> 0.6)", l)
	}
	step("light card")

	s.press("push button", "Sign in with my browser")
	paste := s.dialog("Sign in to Acme with your browser")
	s.pressIn(paste, "push button", "Cancel")
	s.waitGone("dialog", "Sign in to Acme with your browser")
	s.waitText("Not signed in")
	step("the browser sign-in cancelled")

	s.press("push button", "Sign in")
	s.waitText("Signed in as ")
	s.press("page tab", "Browse")
	s.press("push button", "Apps")
	s.waitText("7 rows")
	step("Apps: 7 rows")
	s.checkTabOrder("Browse with a list")
	step("Tab round Browse")

	exec.Command("sh", "-c", "printf before | xclip -selection clipboard").Run()
	s.press("toggle button", "JSON")
	s.press("push button", "Copy")
	var rows []map[string]any
	s.eventually("the 7 rows on the clipboard as JSON", func() bool {
		return json.Unmarshal([]byte(selectionText("clipboard")), &rows) == nil && len(rows) == 7
	})
	s.press("toggle button", "Table")
	step("the rows copied as JSON")

	// Zapier out of reach: the list reloads from the copy saved when it
	// was browsed, and says when that was.
	stopSandbox()
	s.press("push button", "Reload")
	m := s.waitMatch(`Showing saved results as of (today at \d{1,2}[:.]\d{2}[^—]*) — Zapier could not be reached\.`)
	s.waitText("7 rows")
	s.checkNames("saved rows, Zapier out of reach")
	step("offline: saved rows as of " + m[1])
}
