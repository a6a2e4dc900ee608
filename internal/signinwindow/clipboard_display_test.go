//go:build linux && cgo && display

package signinwindow

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// xclipOut is what another program pasting from selection (with target,
// if given) gets: "" when the selection is empty or lacks that target.
func xclipOut(t *testing.T, selection string, target ...string) string {
	t.Helper()
	args := []string{"-o", "-selection", selection}
	if len(target) > 0 {
		args = append(args, "-t", target[0])
	}
	out, err := exec.Command("xclip", args...).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// xclipTake makes another program (xclip) own the CLIPBOARD with text, as
// when the operator copies something else.
func xclipTake(t *testing.T, text string) {
	t.Helper()
	cmd := exec.Command("xclip", "-i", "-selection", "clipboard")
	cmd.Stdin = strings.NewReader(text)
	if err := cmd.Run(); err != nil { // xclip forks a child that serves the selection
		t.Fatalf("xclip -i: %v", err)
	}
	waitUntil(t, "xclip to own the clipboard", func() bool { return xclipOut(t, "clipboard") == text })
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func secret() string { return fmt.Sprintf("tok-%d", time.Now().UnixNano()) }

// timerDone reports each clearing the clipboard's timer did.
func timerDone(t *testing.T) <-chan struct{} {
	ch := make(chan struct{}, 4)
	testClearedByTimer = func() { ch <- struct{}{} }
	t.Cleanup(func() { testClearedByTimer = nil })
	return ch
}

func TestACopiedSecretIsOnTheClipboardOnlyAndMarkedForClipboardManagers(t *testing.T) {
	primary := exec.Command("xclip", "-i", "-selection", "primary")
	primary.Stdin = strings.NewReader("selected before")
	primary.Run()
	c := NewSecretClipboard(0)
	tok := secret()
	if err := c.Copy(tok); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Clear)
	if got := xclipOut(t, "clipboard"); got != tok {
		t.Errorf("CLIPBOARD = %q, want the copied text", got)
	}
	if got := xclipOut(t, "primary"); strings.Contains(got, tok) {
		t.Error("the secret is in PRIMARY: one middle-click pastes it")
	}
	targets := xclipOut(t, "clipboard", "TARGETS")
	for _, want := range []string{"UTF8_STRING", "text/plain;charset=utf-8", "STRING", "TEXT", "x-kde-passwordManagerHint"} {
		if !strings.Contains(targets, want+"\n") {
			t.Errorf("the clipboard does not offer %s; it offers:\n%s", want, targets)
		}
	}
	if got := xclipOut(t, "clipboard", "x-kde-passwordManagerHint"); got != "secret" {
		t.Errorf("x-kde-passwordManagerHint = %q, want secret", got)
	}
}

func TestACopiedSecretIsClearedAfterItsTime(t *testing.T) {
	cleared := timerDone(t)
	c := NewSecretClipboard(time.Second)
	tok := secret()
	if err := c.Copy(tok); err != nil {
		t.Fatal(err)
	}
	if got := xclipOut(t, "clipboard"); got != tok {
		t.Fatalf("CLIPBOARD = %q right after Copy, want the copied text", got)
	}
	select {
	case <-cleared:
	case <-time.After(15 * time.Second):
		t.Fatal("the timer never ran")
	}
	if got := xclipOut(t, "clipboard"); got == tok {
		t.Error("the secret is still on the clipboard after its time")
	}
}

func TestTheTimerLeavesWhatTheOperatorCopiedSince(t *testing.T) {
	cleared := timerDone(t)
	c := NewSecretClipboard(time.Second)
	if err := c.Copy(secret()); err != nil {
		t.Fatal(err)
	}
	xclipTake(t, "the operator's own text")
	select {
	case <-cleared:
	case <-time.After(15 * time.Second):
		t.Fatal("the timer never ran")
	}
	if got := xclipOut(t, "clipboard"); got != "the operator's own text" {
		t.Errorf("CLIPBOARD = %q after the timer, want what the operator copied since", got)
	}
}

func TestClearEmptiesTheClipboardOnlyIfItStillHoldsTheSecret(t *testing.T) {
	c := NewSecretClipboard(0)
	tok := secret()
	if err := c.Copy(tok); err != nil {
		t.Fatal(err)
	}
	c.Clear()
	if got := xclipOut(t, "clipboard"); got != "" {
		t.Errorf("CLIPBOARD = %q after Clear, want it empty", got)
	}

	if err := c.Copy(secret()); err != nil {
		t.Fatal(err)
	}
	xclipTake(t, "copied since")
	c.Clear()
	if got := xclipOut(t, "clipboard"); got != "copied since" {
		t.Errorf("CLIPBOARD = %q after Clear, want what was copied since left alone", got)
	}
}
