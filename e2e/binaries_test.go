//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The command scripts run loads no GTK or WebKit: it is not even
// dynamically linked. The app beside it is (the check reads the right files).
func TestTheCommandLinksNoGTKOrWebKit(t *testing.T) {
	out, _ := exec.Command("ldd", binary(t)).CombinedOutput()
	lower := strings.ToLower(string(out))
	if strings.Contains(lower, "gtk") || strings.Contains(lower, "webkit") {
		t.Errorf("ldd %s names GTK or WebKit:\n%s", binary(t), out)
	}
	if !strings.Contains(lower, "not a dynamic executable") {
		t.Errorf("ldd %s: want \"not a dynamic executable\", got:\n%s", binary(t), out)
	}
	app, err := exec.Command("ldd", appBinary(t)).CombinedOutput()
	if err != nil || !strings.Contains(string(app), "libwebkit2gtk") {
		t.Errorf("ldd of the app names no WebKitGTK (%v):\n%s", err, app)
	}
}

// `partnerdesk` alone becomes the app in the same process: whatever started
// it (a desktop entry, a test) keeps watching the right process id.
func TestPartnerdeskAloneBecomesTheAppInTheSameProcess(t *testing.T) {
	o := newOperator(t)
	cmd := o.command(t.Context())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	want, err := filepath.EvalSymlinks(appBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the process running the app binary", func() bool {
		exe, err := os.Readlink("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/exe")
		return err == nil && exe == want
	})
	out, err := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--pid", strconv.Itoa(cmd.Process.Pid), "--name", "^Partnerdesk$").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Errorf("no Partnerdesk window belongs to the process partnerdesk started as (%v)", err)
	}
}

// The sign-in window of `partnerdesk login` lives in a child process (the app
// binary's window-only mode); killing the command outright takes it away.
func TestTheSignInWindowGoesAwayWhenLoginIsKilled(t *testing.T) {
	o := newOperator(t)
	o.addProfile("e2e", o.sandbox("ask"), registeredRedirect)
	login := o.command(t.Context(), "login", "--timeout", "2m")
	if err := login.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { login.Process.Kill(); login.Wait() })
	waitWindow(t, "Partnerdesk sign-in", 30*time.Second)
	window := childrenOf(t, login.Process.Pid)
	if len(window) != 1 || !strings.Contains(cmdline(window[0]), "--sign-in-window") {
		t.Fatalf("login's children: %v, want one partnerdesk-app --sign-in-window", window)
	}

	if err := login.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	login.Wait()
	eventually(t, 30*time.Second, "the window process ending after login was killed", func() bool {
		return syscall.Kill(window[0], 0) != nil || isZombie(window[0])
	})
	eventually(t, 30*time.Second, "the sign-in window closing", func() bool {
		return findWindow("Partnerdesk sign-in") == ""
	})
}

// The app binary runs no command: it says which program does.
func TestTheAppBinaryPointsToTheCommand(t *testing.T) {
	o := newOperator(t)
	cmd := exec.Command(appBinary(t), "status")
	cmd.Env = o.env()
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), "partnerdesk status") {
		t.Errorf("partnerdesk-app status: exit %d (%v), want 2 and a pointer to partnerdesk status:\n%s", code, err, out)
	}
}

// Without the app beside it, `partnerdesk` says so instead of failing quietly.
func TestPartnerdeskWithoutTheAppSaysItIsMissing(t *testing.T) {
	o := newOperator(t)
	alone := filepath.Join(t.TempDir(), "partnerdesk")
	b, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(alone)
	cmd.Env = o.env()
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "app is missing") {
		t.Errorf("partnerdesk without its app: exit %d, want 1 and \"app is missing\":\n%s", code, out)
	}
	if r := o.run("--version"); r.code != 0 {
		t.Errorf("--version: exit %d", r.code)
	}
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ")".
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			kids = append(kids, child)
		}
	}
	return kids
}

func cmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return strings.ReplaceAll(string(b), "\x00", " ")
}

// isZombie: a process that ended but whose parent has not reaped it yet.
func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}
