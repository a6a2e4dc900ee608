//go:build linux

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"partnerdesk/internal/vault"
)

const secretPrompt = "Paste the client secret from your app's page on Zapier, then press Enter:"

// terminal is a real pseudo-terminal: the command gets its tty end as
// standard input and error, and the test types into the master end and
// reads back everything the terminal would show.
type terminal struct {
	tty, master *os.File

	mu     sync.Mutex
	shown  strings.Builder
	grew   *sync.Cond
	closed bool
}

func openTerminal(t *testing.T) *terminal {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{tty: tty, master: master}
	term.grew = sync.NewCond(&term.mu)
	// The master closes first: that ends a read still waiting on the tty
	// (an interrupted prompt's) before the tty itself goes.
	t.Cleanup(func() { tty.Close() })
	t.Cleanup(func() { master.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.shown.Write(buf[:n])
			term.closed = err != nil
			term.grew.Broadcast()
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return term
}

// waitFor waits until the terminal has shown text, and returns all it showed.
func (term *terminal) waitFor(t *testing.T, text string) string {
	t.Helper()
	term.mu.Lock()
	defer term.mu.Unlock()
	for !strings.Contains(term.shown.String(), text) && !term.closed {
		term.grew.Wait()
	}
	if !strings.Contains(term.shown.String(), text) {
		t.Fatalf("the terminal never showed %q; it showed:\n%s", text, term.shown.String())
	}
	return term.shown.String()
}

func (term *terminal) echoes(t *testing.T) bool {
	t.Helper()
	st, err := unix.IoctlGetTermios(int(term.tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return st.Lflag&unix.ECHO != 0
}

// waitForEchoOff waits until the command has turned the terminal's echo
// off: it prints the prompt a moment before, and what is typed in between
// would be echoed. The ceiling only keeps a command that never turns it off
// from hanging the test: the checks on what the terminal showed then fail.
func (term *terminal) waitForEchoOff(t *testing.T) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); term.echoes(t) && time.Now().Before(end); {
		time.Sleep(time.Millisecond)
	}
}

// runAtTerminal runs a command in the background with the terminal as its
// standard input and error; the exit code arrives on the channel.
func (h *codeHarness) runAtTerminal(term *terminal, args ...string) <-chan int {
	h.env.Stdin, h.env.Stderr = term.tty, term.tty
	exit := make(chan int, 1)
	go func() { exit <- h.run(args...) }()
	return exit
}

func TestAClientSecretTypedAtATerminalIsNotShown(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	term := openTerminal(t)
	exit := h.runAtTerminal(term, append(h.codeArgs("acme"), "--client-secret-stdin")...)
	term.waitFor(t, secretPrompt)
	term.waitForEchoOff(t)
	if _, err := term.master.WriteString(testSecret + "\r"); err != nil {
		t.Fatal(err)
	}
	if code := <-exit; code != 0 {
		t.Fatalf("profile add at a terminal: exit %d:\n%s", code, term.waitFor(t, ""))
	}
	shown := term.waitFor(t, `Profile "acme" saved; its client secret is in your keychain.`)
	if strings.Contains(shown, testSecret) || strings.Contains(shown, testSecret[:8]) {
		t.Fatalf("the terminal showed the client secret:\n%s", shown)
	}
	if !term.echoes(t) {
		t.Error("the terminal's echo stayed off after the command")
	}
	f, _ := h.env.Profiles.Load()
	p, found := f.Find("acme")
	if !found {
		t.Fatal("the profile was not saved")
	}
	if got := h.keychain(t, vault.ClientSecretUser(p.ID)); got != testSecret {
		t.Fatalf("the keychain holds %q as the client secret", got)
	}
}

// Ctrl+C at the prompt ends the command with the terminal's echo back on.
// The terminal here is not the test's controlling one, so Ctrl+C is sent
// as the signal it becomes; Run catches it, so the test goes on.
func TestCtrlCAtTheSecretPromptGivesTheTerminalItsEchoBack(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	term := openTerminal(t)
	exit := h.runAtTerminal(term, append(h.codeArgs("acme"), "--client-secret-stdin")...)
	term.waitFor(t, secretPrompt)
	term.waitForEchoOff(t)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := <-exit; code == 0 {
		t.Fatal("profile add went on after Ctrl+C")
	}
	term.waitFor(t, "Stopped before the client secret was typed; nothing was saved")
	if !term.echoes(t) {
		t.Fatal("the terminal's echo stayed off after Ctrl+C")
	}
	if f, _ := h.env.Profiles.Load(); len(f.Profiles) != 0 {
		t.Fatalf("Ctrl+C at the prompt saved %d profiles", len(f.Profiles))
	}
}

// A file or pipe on standard input is read as before: its first line, with
// no prompt.
func TestAClientSecretFromAFileGetsNoPrompt(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	file := filepath.Join(t.TempDir(), "secret.txt")
	if err := writeFile(file, testSecret+"\nsecond line\n"); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	h.env.Stdin = stdin
	if code := h.run(append(h.codeArgs("acme"), "--client-secret-stdin")...); code != 0 {
		t.Fatalf("exit %d: %s", code, h.errOut)
	}
	if strings.Contains(h.errOut.String(), "Paste") {
		t.Errorf("a file on standard input got the prompt:\n%s", h.errOut)
	}
	f, _ := h.env.Profiles.Load()
	p, _ := f.Find("acme")
	if got := h.keychain(t, vault.ClientSecretUser(p.ID)); got != testSecret {
		t.Fatalf("the keychain holds %q as the client secret", got)
	}
}
