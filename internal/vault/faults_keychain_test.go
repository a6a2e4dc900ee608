//go:build keychain

// The keychain daemon dying under the app: each case runs in a child process
// on a private session bus of its own (stock configuration, so the bus can
// start a new gnome-keyring, as on a desktop), with its own gnome-keyring
// that the case kills by its process id. The calls must end, in bounded
// time, with an error the app maps to "keychain unavailable" (exit code 5),
// never hang and never report success.

package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const faultCaseEnv = "PARTNERDESK_VAULT_FAULT_CASE"

// faultTimeout is the vault time-out in these cases, and bound is how long a
// call may take at most: the time-out and a margin.
const (
	faultTimeout = 5 * time.Second
	bound        = faultTimeout + 2*time.Second
)

var daemonFaults = []struct {
	name  string
	check func(t *testing.T, v *Vault, pid int)
}{
	{
		// The daemon is stopped so the call is surely waiting inside it, then
		// killed: the bus answers the pending call for the vanished daemon.
		name: "the daemon killed while a call waits on it",
		check: func(t *testing.T, v *Vault, pid int) {
			if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			start := time.Now()
			go func() { _, err := v.Get(context.Background(), "p1"); done <- err }()
			select {
			case err := <-done:
				t.Fatalf("the call returned (%v) while the daemon was stopped: the fault was not injected mid-call", err)
			case <-time.After(300 * time.Millisecond):
			}
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				wantKeychainError(t, "get", err, time.Since(start))
			case <-time.After(bound):
				t.Fatalf("the call still hangs %s after the daemon was killed", bound)
			}
		},
	},
	{
		// Killed between calls: the next call makes the bus start a new
		// daemon, whose keyring is locked and cannot prompt (no display).
		name: "the daemon killed between calls",
		check: func(t *testing.T, v *Vault, pid int) {
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			waitGone(t, pid)
			for op, call := range calls {
				start := time.Now()
				err := call(v, "p1")
				wantKeychainError(t, op, err, time.Since(start))
			}
		},
	},
	{
		// Stopped and never killed: a keychain that no longer answers.
		name: "the daemon frozen for good",
		check: func(t *testing.T, v *Vault, pid int) {
			if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			defer syscall.Kill(pid, syscall.SIGKILL)
			start := time.Now()
			err := v.Set(context.Background(), "p1", "new-token")
			var te *TimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("Set on a frozen daemon: %v, want a *TimeoutError", err)
			}
			if took := time.Since(start); took > bound {
				t.Fatalf("Set took %s, over %s", took, bound)
			}
			t.Logf("set: %v after %s", err, time.Since(start).Round(10*time.Millisecond))
		},
	},
}

// wantKeychainError checks that a call failed, in time, with an error the
// app reports as an unavailable keychain.
func wantKeychainError(t *testing.T, op string, err error, took time.Duration) {
	t.Helper()
	var (
		u  *UnavailableError
		te *TimeoutError
	)
	switch {
	case err == nil:
		t.Errorf("%s succeeded with the daemon gone", op)
	case took > bound:
		t.Errorf("%s took %s, over %s", op, took, bound)
	case errors.As(err, &u), errors.As(err, &te):
		t.Logf("%s: %v after %s (the library said: %v)", op, err, took.Round(10*time.Millisecond), errors.Unwrap(err))
	default:
		t.Errorf("%s: %v (after %s) is neither an *UnavailableError nor a *TimeoutError", op, err, took.Round(10*time.Millisecond))
	}
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not end", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// secretServicePID asks the bus which process owns org.freedesktop.secrets.
func secretServicePID(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("dbus-send", "--session", "--print-reply=literal", "--dest=org.freedesktop.DBus",
		"/org/freedesktop/DBus", "org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets").Output()
	if err != nil {
		t.Fatalf("GetConnectionUnixProcessID: %v", err)
	}
	f := strings.Fields(string(out))
	pid, err := strconv.Atoi(f[len(f)-1])
	if err != nil {
		t.Fatalf("GetConnectionUnixProcessID said %q", out)
	}
	return pid
}

func TestKeychainDaemonKilledMidCall(t *testing.T) {
	injected := 0
	for _, c := range daemonFaults {
		t.Run(c.name, func(t *testing.T) {
			wrapper, env := onStandardBus(t)
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			args := append(wrapper, self, "-test.run=^TestKeychainFaultChild$", "-test.v", "-test.count=1")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			cmd.Env = append(childBaseEnv(), env...)
			cmd.Env = append(cmd.Env, childEnv+"=fault", faultCaseEnv+"="+c.name)
			out, err := cmd.CombinedOutput()
			t.Logf("child output:\n%s", out)
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			if !bytes.Contains(out, []byte("--- PASS: TestKeychainFaultChild")) {
				t.Fatal("the child did not run the case")
			}
			injected++
		})
	}
	t.Logf("keychain daemon faults: %d of %d survived (typed error in bounded time, no hang)", injected, len(daemonFaults))
}

// TestKeychainFaultChild runs one daemon fault; only as a child.
func TestKeychainFaultChild(t *testing.T) {
	name := os.Getenv(faultCaseEnv)
	if name == "" {
		t.Skip("runs only as a child of TestKeychainDaemonKilledMidCall")
	}
	unlock := exec.Command("gnome-keyring-daemon", "--unlock", "--components=secrets")
	unlock.Stdin = strings.NewReader("pw") // stdout stays /dev/null: the daemon keeps it
	if err := unlock.Run(); err != nil {
		t.Fatalf("gnome-keyring-daemon: %v", err)
	}
	if err := waitForSecretService(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	pid := secretServicePID(t)
	v := &Vault{Timeout: faultTimeout}
	mustSet(t, v, "p1", "tok")
	mustGet(t, v, "p1", "tok")
	for _, c := range daemonFaults {
		if c.name == name {
			c.check(t, v, pid)
			return
		}
	}
	t.Fatalf("no case %q", name)
}
