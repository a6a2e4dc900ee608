//go:build e2e

package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Sign in with the browser and paste the address it ended on, through the
// accessibility tree: a wrong paste is refused with words saying why, the
// right one signs in. The "browser" is a stand-in xdg-open that notes the
// address; the test plays the browser against the sandbox.
func TestA11yBrowserSignInPasteWrongThenRight(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base := o.sandbox("auto")
	id := o.addProfile("Acme", base, registeredRedirect)
	opened := o.fakeBrowser()
	s := o.startApp()

	s.press("push button", "Sign in with my browser")
	paste := s.dialog("Sign in to Acme with your browser")
	var authorize string
	s.eventually("the browser being asked to open Zapier's page", func() bool {
		b, _ := os.ReadFile(opened)
		authorize = strings.TrimSpace(string(b))
		return authorize != ""
	})
	s.checkNames("the paste dialog")
	step("browser opened")

	// An address from somewhere else: the field says so, the sign-in waits on.
	s.typeIn(paste, "The address your browser ended on", "https://example.com/welcome")
	s.pressIn(paste, "push button", "Continue")
	if text := s.waitText("That address is not the profile's registered redirect URI."); !strings.Contains(text, "Continue") {
		t.Errorf("after an address from elsewhere the sign-in should wait on for the right one; the dialog says:\n%s", text)
	}
	s.checkNames("the paste dialog with a wrong address")
	step("an address from elsewhere is refused")

	// The answer to another sign-in (its state does not match): refused
	// for safety, and this attempt ends.
	ended := browse(t, authorize)
	s.typeIn(paste, "The address your browser ended on", strings.Replace(ended, "state=", "state=x", 1))
	s.pressIn(paste, "push button", "Continue")
	s.waitText("Sign-in did not work", "did not belong to this sign-in")
	if keychainSecret(t, id) != "" {
		t.Fatal("an answer that did not belong to the sign-in put a token in the keychain")
	}
	s.checkNames("the paste dialog after a refused answer")
	step("another sign-in's answer is refused")

	os.Remove(opened)
	s.pressIn(paste, "push button", "Start again")
	authorize = ""
	s.eventually("the browser being asked again", func() bool {
		b, _ := os.ReadFile(opened)
		authorize = strings.TrimSpace(string(b))
		return authorize != ""
	})
	s.typeIn(paste, "The address your browser ended on", browse(t, authorize))
	s.pressIn(paste, "push button", "Continue")
	s.waitGone("dialog", "Sign in to Acme with your browser")
	s.waitText("Signed in as ")
	if keychainSecret(t, id) == "" {
		t.Error("the right address signed in, the keychain holds no token")
	}
	step("the right address signs in")
}

// browse plays the browser: it asks the sandbox for its authorize page
// (which approves at once) and returns the address the browser ends on.
func browse(t *testing.T, authorize string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ended := resp.Header.Get("Location")
	if !strings.HasPrefix(ended, registeredRedirect+"#") {
		t.Fatalf("the sandbox answered %s with %q, want a redirect to %s#...", resp.Status, ended, registeredRedirect)
	}
	return ended
}

// fakeBrowser puts an xdg-open first on the app's PATH that writes the
// address it is given to a file, and returns the file.
func (o *operator) fakeBrowser() string {
	o.t.Helper()
	dir := o.t.TempDir()
	opened := filepath.Join(dir, "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" > " + opened + "\n"
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			o.t.Fatal(err)
		}
	}
	o.extra = append(o.extra, "PATH="+dir+":"+os.Getenv("PATH"), "BROWSER="+filepath.Join(dir, "xdg-open"))
	return opened
}
