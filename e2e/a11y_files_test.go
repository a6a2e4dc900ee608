//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"partnerdesk/e2e/atspi"
)

// Export and import through GTK's file windows (on the accessibility bus
// too; the import asks to trust the sandbox's host), then Remove all my
// data.
func TestA11yExportImportRemoveAllData(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base := o.sandbox("auto")
	acmeID := o.addProfile("Acme", base, registeredRedirect)
	o.addProfile("Beta", base, registeredRedirect)
	s := o.startApp()
	s.press("push button", "Acme")
	s.press("push button", "Sign in")
	s.waitText("Signed in as ")
	token := keychainSecret(t, acmeID)
	step("Acme signed in")

	dir := t.TempDir()
	file := filepath.Join(dir, "Beta-for-a-colleague.pdprofile")
	s.press("push button", "Beta")
	s.find("heading", "Beta")
	openSettings(s)
	s.press("push button", "Export")
	save := s.fileWindow("Save the profile Beta")
	s.checkNames("the save window")
	s.typeIn(save, "Name", file)
	s.pressIn(save, "push button", "Save")
	s.eventually("the profile file being written", func() bool {
		_, err := os.Stat(file)
		return err == nil
	})
	exported, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(exported), sandboxClient) || strings.Contains(string(exported), token) {
		t.Errorf("the exported file should hold Beta's settings and no token:\n%s", exported)
	}
	step("Beta exported")

	openSettings(s)
	s.press("push button", "Remove profile")
	s.pressIn(s.dialog("Remove Beta?"), "push button", "Remove profile")
	s.waitGone("dialog", "Remove Beta?")
	s.waitGone("push button", "Beta")
	step("Beta removed")

	s.press("push button", "Import profile file")
	open := s.fileWindow("Open a Partnerdesk profile")
	s.checkNames("the open window")
	// GTK's open window takes a typed path from the keyboard only: its
	// location field (Ctrl+L) acts on key presses, not on text set through
	// the accessibility bus, which it ignores when Open is pressed.
	for _, args := range [][]string{{"key", "--clearmodifiers", "ctrl+l"}, {"type", "--delay", "5", file}} {
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool: %v\n%s", err, out)
		}
	}
	s.waitText(file)
	s.pressIn(open, "push button", "Open")
	step("file chosen")
	// The file names the sandbox's host, outside Zapier: the app asks first.
	trust := s.dialog("Import “Beta”?")
	s.checkNames("the import's trust question")
	host := strings.TrimPrefix(base, "http://")
	s.pressIn(trust, "push button", "Trust "+host+" and import")
	s.waitGone("dialog", "Import “Beta”?")
	s.find("push button", "Beta")
	if p, ok := o.saved("Beta"); !ok || p.ClientID != sandboxClient {
		t.Errorf("after the import profiles.json holds %+v", o.savedProfiles())
	}
	step("Beta imported, its host trusted")

	s.press("push button", "Remove all my data")
	confirm := s.dialog("Remove all your Partnerdesk data?")
	s.checkNames("Remove all my data")
	s.typeIn(confirm, "Type REMOVE to confirm", "REMOVE")
	s.pressIn(confirm, "push button", "Remove everything")
	s.find("heading", "Welcome to Partnerdesk")
	if ps := o.savedProfiles(); len(ps) != 0 {
		t.Errorf("after Remove all my data profiles.json holds %+v", ps)
	}
	if keychainSecret(t, acmeID) != "" {
		t.Error("after Remove all my data the keychain still holds Acme's token")
	}
	step("all data removed")
}

// fileWindow waits for GTK's file window with the title and returns it.
func (s *screen) fileWindow(title string) atspi.Node {
	s.t.Helper()
	var w atspi.Node
	s.eventually("the file window "+quote(title), func() bool {
		for _, n := range s.bus.FindAll(s.app, "", title) {
			if n.Role == "file chooser" || n.Role == "dialog" || n.Role == "frame" {
				w = n
				return true
			}
		}
		return false
	})
	return w
}
