//go:build linux && cgo && display

package signinwindow

import (
	"os/exec"
	"strings"
	"testing"
)

// longSecret is a token of n characters with no space to wrap at, and a
// "%" (which a printf-style dialog would eat).
func longSecret(n int) string {
	s := strings.Repeat("AbC9_-x%", n/8+1)
	return secret() + s[:n-len(secret())]
}

// showInBackground shows secret in the window for key and returns a channel
// that reports Show's return.
func showInBackground(t *testing.T, key, title, secret string) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- (SecretWindows{}).Show(key, title, secret) }()
	t.Cleanup(func() { (SecretWindows{}).CloseAll() })
	waitUntil(t, "the secret's window", func() bool { _, ok := showing(key); return ok })
	return done
}

func TestASecretWindowShowsTheWholeSecretWrappedWithinTheScreen(t *testing.T) {
	tok := longSecret(300)
	done := showInBackground(t, "p1", "Token of Acme", tok)
	id := waitForWindow(t, "^Token of Acme$")

	shown, _ := showing("p1")
	if shown.text != tok {
		t.Errorf("the window shows %q, want the whole secret", shown.text)
	}
	if shown.name != "Token of Acme" {
		t.Errorf("screen readers call the window %q, want its title", shown.name)
	}
	if shown.width >= 1000 {
		t.Errorf("the window is %d px wide for 300 characters: it does not wrap", shown.width)
	}
	out, _ := exec.Command("xdotool", "getwindowgeometry", "--shell", id).Output()
	if !strings.Contains(string(out), "WIDTH=") {
		t.Fatalf("xdotool getwindowgeometry: %s", out)
	}
	for _, line := range strings.Fields(string(out)) {
		if w, ok := strings.CutPrefix(line, "WIDTH="); ok && len(w) > 3 {
			t.Errorf("the window on screen is %s px wide", w)
		}
	}
	if !shown.closeHasFocus {
		t.Error("Close does not have the focus")
	}

	// Enter presses the focused Close: the window goes, Show returns.
	exec.Command("xdotool", "windowactivate", "--sync", id, "key", "Return").Run()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, ok := showing("p1"); ok {
		t.Error("the window is still open after Close")
	}
}

func TestEscapeClosesASecretWindow(t *testing.T) {
	done := showInBackground(t, "p1", "Token of Acme", secret())
	id := waitForWindow(t, "^Token of Acme$")
	exec.Command("xdotool", "windowactivate", "--sync", id, "key", "Escape").Run()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, ok := showing("p1"); ok {
		t.Error("the window is still open after Escape")
	}
}

// GTK selects a label whole when it gets the keyboard focus, which puts it
// on PRIMARY: the secret is never in the keyboard's way.
func TestTheKeyboardNeverPutsTheSecretOnPrimary(t *testing.T) {
	primary := exec.Command("xclip", "-i", "-selection", "primary")
	primary.Stdin = strings.NewReader("selected before")
	primary.Run()
	tok := secret()
	showInBackground(t, "p1", "Token of Acme", tok)
	id := waitForWindow(t, "^Token of Acme$")
	for _, keys := range []string{"Tab", "shift+Tab", "Tab Tab", "ctrl+a"} {
		exec.Command("xdotool", append([]string{"windowactivate", "--sync", id, "key"}, strings.Fields(keys)...)...).Run()
		if got := xclipOut(t, "primary"); strings.Contains(got, tok) {
			t.Errorf("after %s the secret is on PRIMARY: one middle-click pastes it", keys)
		}
	}
}

func TestShowingAgainUsesTheOpenWindow(t *testing.T) {
	first := showInBackground(t, "p1", "Token of Acme", secret())
	tok := secret()
	second := showInBackground(t, "p1", "Token of Acme", tok)
	waitUntil(t, "the window to show the new text", func() bool { s, _ := showing("p1"); return s.text == tok })
	out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Token of Acme$").Output()
	if n := len(strings.Fields(string(out))); n != 1 {
		t.Errorf("%d windows for one profile, want 1", n)
	}
	other := showInBackground(t, "p2", "Token of Other", secret())

	(SecretWindows{}).Close("p1")
	for _, done := range []<-chan error{first, second} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := showing("p2"); !ok {
		t.Fatal("closing one profile's window closed another's")
	}
	(SecretWindows{}).CloseAll()
	if err := <-other; err != nil {
		t.Fatal(err)
	}
}
