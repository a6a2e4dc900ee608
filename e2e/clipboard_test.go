//go:build e2e

package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"partnerdesk/e2e/atspi"
)

// selectionText is what an X selection ("clipboard" or "primary") gives a
// program that pastes it now; "" when nothing owns it.
func selectionText(selection string) string {
	out, err := exec.Command("xclip", "-o", "-selection", selection).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// selectionTarget is the selection's content in one format (target).
func selectionTarget(selection, target string) string {
	out, _ := exec.Command("xclip", "-o", "-selection", selection, "-t", target).Output()
	return string(out)
}

// setSelection makes another program (xclip) own the selection with text,
// as when the operator copied or selected something else before.
func setSelection(t *testing.T, selection, text string) {
	t.Helper()
	// xclip stays behind to serve the selection: no output pipes to wait on.
	cmd := exec.Command("xclip", "-selection", selection)
	cmd.Stdin = strings.NewReader(text)
	if err := cmd.Run(); err != nil {
		t.Fatalf("xclip -selection %s: %v", selection, err)
	}
}

// copyTokenInTheApp presses Copy token (Ctrl+Shift+C) until the clipboard
// holds the token: the card offers it once the page shows the sign-in.
func copyTokenInTheApp(t *testing.T, main, token string) time.Time {
	t.Helper()
	eventually(t, 30*time.Second, "Copy token putting the token on the clipboard", func() bool {
		key(t, main, "ctrl+shift+c")
		time.Sleep(500 * time.Millisecond)
		return selectionText("clipboard") == token
	})
	return time.Now()
}

// enabledControl waits for an enabled control with the role and name under
// root.
func enabledControl(t *testing.T, bus *atspi.Bus, root atspi.Node, role, name string) atspi.Node {
	t.Helper()
	var n atspi.Node
	eventually(t, 30*time.Second, "the "+role+" "+name, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		var err error
		n, err = bus.Find(ctx, root, role, name)
		return err == nil && n.States.Is(atspi.StateEnabled)
	})
	return n
}

// pressInApp waits for an enabled control with the role and name under
// root and presses it through its accessible action.
func pressInApp(t *testing.T, bus *atspi.Bus, root atspi.Node, role, name string) {
	t.Helper()
	if err := bus.Press(enabledControl(t, bus, root, role, name)); err != nil {
		t.Fatalf("press %s %q: %v", role, name, err)
	}
}

// focusInApp waits for an enabled control with the role and name under
// root and gives it the keyboard focus.
func focusInApp(t *testing.T, bus *atspi.Bus, root atspi.Node, role, name string) {
	t.Helper()
	if err := bus.Focus(enabledControl(t, bus, root, role, name)); err != nil {
		t.Fatalf("focus %s %q: %v", role, name, err)
	}
}

// findDialog waits for a showing dialog of the app whose name starts with
// title.
func findDialog(t *testing.T, bus *atspi.Bus, app atspi.Node, title string) atspi.Node {
	t.Helper()
	var d atspi.Node
	eventually(t, 30*time.Second, "a dialog named "+title, func() bool {
		for _, n := range bus.FindAll(app, "", title) {
			if (n.Role == "dialog" || n.Role == "alert") && n.States.Is(atspi.StateShowing) {
				d = n
				return true
			}
		}
		return false
	})
	return d
}

// TestCopiedTokenIsOnTheClipboardOnlyAndGoneAfter45Seconds signs in
// through the app, copies the token, and reads both X selections as any
// other program would: the token is on CLIPBOARD (marked secret for
// clipboard managers), never on PRIMARY, and gone from both after 45 s.
// Meanwhile Show token shows it in a native window, not in the page and not
// on PRIMARY. Then a second copy is cleared by signing out.
func TestCopiedTokenIsOnTheClipboardOnlyAndGoneAfter45Seconds(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("ask")
	id := o.addProfile("Acme", base, registeredRedirect)

	app := o.command(t.Context())
	var appLog strings.Builder
	app.Stderr = &appLog
	app.WaitDelay = 5 * time.Second
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		app.Process.Kill()
		app.Wait()
		if t.Failed() {
			t.Logf("the app's log:\n%s", appLog.String())
		}
	})
	main := waitWindow(t, "^Partnerdesk$", 30*time.Second)

	signin := openSignInFromTheApp(t, main)
	eventually(t, 20*time.Second, "the sandbox's consent page loading", func() bool {
		return strings.Contains(windowTitle(t, signin), "127.0.0.1")
	})
	screenshot(t, "clipboard-consent.png")
	key(t, signin, "Return") // Approve
	var token string
	eventually(t, 30*time.Second, "the token reaching the keychain", func() bool {
		token = keychainSecret(t, id)
		return token != ""
	})

	// Something else was copied and selected before.
	setSelection(t, "clipboard", "before")
	setSelection(t, "primary", "selected before")
	copied := copyTokenInTheApp(t, main, token)
	if got := selectionText("primary"); got == token {
		t.Error("Copy token put the token on PRIMARY: one middle-click pastes it")
	}
	targets := selectionTarget("clipboard", "TARGETS")
	if !strings.Contains(targets, "x-kde-passwordManagerHint") {
		t.Errorf("the copied token's formats are %q: no x-kde-passwordManagerHint, clipboard managers keep it", targets)
	} else if hint := selectionTarget("clipboard", "x-kde-passwordManagerHint"); strings.TrimSpace(hint) != "secret" {
		t.Errorf("x-kde-passwordManagerHint is %q, want secret", hint)
	}

	// While the 45 s run: Show token opens a native window with the token.
	bus, err := atspi.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	root, err := bus.AppOf(ctx, app.Process.Pid, "partnerdesk")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: the app is on the accessibility bus", time.Since(copied).Round(time.Second))
	// Show: a keyboard press. Go answers the page only when the token's
	// window closes, and the accessible action would wait for that.
	focusInApp(t, bus, root, "push button", "Show")
	key(t, main, "space")
	t.Logf("%s: Show pressed", time.Since(copied).Round(time.Second))
	eventually(t, 30*time.Second, "a window titled \"Token of Acme\"", func() bool {
		return findWindow("^Token of Acme$") != ""
	})
	screenshot(t, "show-token-dialog.png")
	// Screen readers name the window by its title, which names the profile.
	dialog := findDialog(t, bus, root, "Token of Acme")
	text := bus.WindowText(dialog)
	if !strings.Contains(text, token) {
		t.Errorf("the Show token window says %q, not the token", text)
	}
	if !strings.Contains(text, "Anyone who sees your screen can use it") {
		t.Errorf("the Show token window does not warn that anyone who sees the screen can use the token; it says %q", text)
	}
	page, err := bus.Find(ctx, root, "document web", "Partnerdesk")
	if err != nil {
		t.Fatalf("the app's page on the accessibility bus: %v", err)
	}
	if strings.Contains(bus.WindowText(page), token) {
		t.Error("the app's page shows the token")
	}
	if selectionText("primary") == token {
		t.Error("the Show token window put the token on PRIMARY")
	}
	t.Logf("%s: the token's window checked", time.Since(copied).Round(time.Second))
	key(t, findWindow("^Token of Acme$"), "Return") // Close has the focus
	eventually(t, 20*time.Second, "the Show token window closing", func() bool {
		return findWindow("^Token of Acme$") == ""
	})
	if selectionText("clipboard") != token {
		t.Fatal("the token left the clipboard early, before the 45 s")
	}

	// The 45 s run out: neither selection gives the token any more.
	eventually(t, 90*time.Second, "the copied token leaving the clipboard", func() bool {
		return selectionText("clipboard") != token && selectionText("primary") != token
	})
	elapsed := time.Since(copied)
	t.Logf("the clipboard was cleared %s after the copy", elapsed.Round(time.Second))
	if elapsed < 40*time.Second {
		t.Errorf("the token was cleared after %s, the card says 45 s", elapsed)
	}

	// Signing out clears a copied token at once.
	copied = copyTokenInTheApp(t, main, token)
	pressInApp(t, bus, root, "push button", "Sign out")
	confirm := findDialog(t, bus, root, "Sign out")
	pressInApp(t, bus, confirm, "push button", "Sign out")
	eventually(t, 30*time.Second, "the token leaving the keychain", func() bool {
		return keychainSecret(t, id) == ""
	})
	eventually(t, 30*time.Second, "signing out clearing the clipboard", func() bool {
		return selectionText("clipboard") != token
	})
	if since := time.Since(copied); since >= 45*time.Second {
		t.Errorf("the clipboard was cleared %s after the copy: by the time-out, not by signing out", since)
	}
	if selectionText("primary") == token {
		t.Error("PRIMARY holds the token after signing out")
	}

	if strings.Contains(appLog.String(), token) {
		t.Error("the app printed the token to its log")
	}
	if hits := o.leaks(token); len(hits) > 0 {
		t.Errorf("the token was written outside the keychain, in: %v", hits)
	}
}
