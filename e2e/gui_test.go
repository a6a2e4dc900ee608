//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// key sends keys to a window after giving it the focus, as a person would.
func key(t *testing.T, window string, keys ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", "windowactivate", "--sync", window).CombinedOutput(); err != nil {
		t.Fatalf("xdotool windowactivate: %v\n%s", err, out)
	}
	args := append([]string{"key", "--clearmodifiers"}, keys...)
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool key: %v\n%s", err, out)
	}
}

// findWindow returns the first visible window whose title matches the
// regular expression, or "".
func findWindow(pattern string) string {
	out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern).Output()
	if ids := strings.Fields(string(out)); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func TestSigningInThroughTheAppShowsTheAccountAndCopiesTheToken(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("ask")
	id := o.addProfile("Acme", base, registeredRedirect)

	app := o.command(t.Context())
	var appLog strings.Builder
	app.Stderr = &appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	main := waitWindow(t, "^Partnerdesk$", 30*time.Second)

	signin := openSignInFromTheApp(t, main)
	eventually(t, 20*time.Second, "the sandbox's consent page loading", func() bool {
		return strings.Contains(windowTitle(t, signin), "127.0.0.1")
	})
	screenshot(t, "gui-consent.png")
	// Approve has the focus on the consent page: Enter presses it.
	key(t, signin, "Return")

	var token string
	eventually(t, 30*time.Second, "the token reaching the keychain", func() bool {
		token = keychainSecret(t, id)
		return token != ""
	})
	var status struct {
		Identity *struct {
			FullName string `json:"full_name"`
		} `json:"identity"`
	}
	eventually(t, 20*time.Second, "the app recording who signed in", func() bool {
		r := o.run("status", "--profile", "Acme", "--offline", "--json")
		return json.Unmarshal([]byte(r.stdout), &status) == nil && status.Identity != nil
	})
	if want := sandboxAccount(t, base, token); status.Identity.FullName != want {
		t.Errorf("the app recorded %q as the account, the token belongs to %q", status.Identity.FullName, want)
	}
	if findWindow("Partnerdesk sign-in") != "" {
		t.Error("the sign-in window is still open after the redirect")
	}

	// Copy token (Ctrl+Shift+C): the token goes from the keychain to the
	// clipboard in Go.
	exec.Command("sh", "-c", "printf before | xclip -selection clipboard").Run()
	key(t, main, "ctrl+shift+c")
	eventually(t, 15*time.Second, "the token on the clipboard", func() bool {
		out, err := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		return err == nil && string(out) == token
	})
	// The picture is for people: give WebKit a moment to paint the card
	// (Xvfb shows a stale frame otherwise). Nothing is asserted on time.
	time.Sleep(2 * time.Second)
	path := screenshot(t, "gui-signed-in.png")
	t.Logf("screenshot of the signed-in card: %s", path)

	if hits := o.leaks(token); len(hits) > 0 {
		t.Errorf("the token was written outside the keychain, in: %v", hits)
	}
	if strings.Contains(appLog.String(), token) {
		t.Error("the app printed the token to its log")
	}
}

func TestOpeningAProfileFileAddsItInTheApp(t *testing.T) {
	o := newOperator(t)
	// Zapier's own hosts (the defaults): added without asking. A file naming
	// another host asks first (trust_test.go).
	o.mustRun("profile", "add", "Acme", "--client-id", sandboxClient, "--redirect-uri", registeredRedirect)
	exported := o.mustRun("profile", "export", "Acme").stdout
	o.mustRun("profile", "remove", "Acme")
	file := filepath.Join(t.TempDir(), "Acme.pdprofile")
	if err := os.WriteFile(file, []byte(exported), 0o600); err != nil {
		t.Fatal(err)
	}

	// As the desktop does when the file is double-clicked.
	app := o.command(t.Context(), file)
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	waitWindow(t, "^Partnerdesk$", 30*time.Second)
	eventually(t, 20*time.Second, "the profile from the file being added", func() bool {
		return strings.Contains(o.run("profile", "list").stdout, "Acme")
	})
}

func TestFirstRunOffersTheSandboxAndSignsInToIt(t *testing.T) {
	o := newOperator(t)
	app := o.command(t.Context())
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	main := waitWindow(t, "^Partnerdesk$", 30*time.Second)

	// The welcome screen's first choice is "Try the Sandbox": Tab reaches
	// it first, Enter takes it. The page may still be loading: press again
	// until the profile exists.
	eventually(t, 30*time.Second, "the Sandbox profile being added", func() bool {
		if strings.Contains(o.run("profile", "list").stdout, "Sandbox") {
			return true
		}
		key(t, main, "Tab", "Return")
		time.Sleep(time.Second)
		return strings.Contains(o.run("profile", "list").stdout, "Sandbox")
	})
	id := o.profileID("Sandbox")

	// The app runs the sandbox itself on 127.0.0.1; its consent page asks.
	signin := openSignInFromTheApp(t, main)
	eventually(t, 20*time.Second, "the built-in sandbox's consent page", func() bool {
		return strings.Contains(windowTitle(t, signin), "127.0.0.1")
	})
	key(t, signin, "Return") // Approve
	eventually(t, 30*time.Second, "the token reaching the keychain", func() bool {
		return keychainSecret(t, id) != ""
	})
	// The CLI signs in to the same sandbox: it finds the app's running.
	if r := o.run("status", "--profile", "Sandbox"); r.code != 0 || !strings.Contains(r.stdout, "Signed in:  yes") {
		t.Errorf("status of the Sandbox profile from the command line: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
