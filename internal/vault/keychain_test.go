//go:build keychain

// Tests against a real Secret Service. Plain `go test` skips them; run them
// on a private session bus holding a fresh, unlocked gnome-keyring:
//
//	XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; go test -tags keychain ./internal/vault/'
//
// The cases without a usable Secret Service re-run this test binary as a
// child on a bus of their own (see isolated), so they never disturb the
// keyring above.

package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const recipe = `XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; go test -tags keychain ./internal/vault/'`

// childEnv names the isolated case a child process runs.
const childEnv = "PARTNERDESK_VAULT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "" {
		// gnome-keyring-daemon --unlock returns before the daemon owns
		// org.freedesktop.secrets. A call made in between makes the bus start
		// a second daemon, which wins the name about one time in ten and
		// serves the login keyring locked. So wait for the first one.
		if err := waitForSecretService(10 * time.Second); err != nil {
			fmt.Fprintf(os.Stderr, "keychain tests: %v\nRun them on a private session bus holding an unlocked gnome-keyring:\n  %s\n", err, recipe)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// waitForSecretService waits until something owns org.freedesktop.secrets
// on the session bus, without starting anything.
func waitForSecretService(limit time.Duration) error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return errors.New("DBUS_SESSION_BUS_ADDRESS is not set")
	}
	deadline := time.Now().Add(limit)
	for {
		out, err := exec.Command("dbus-send", "--session", "--print-reply=literal",
			"--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets").Output()
		if err != nil {
			return fmt.Errorf("dbus-send: %w", err)
		}
		if strings.Contains(string(out), "true") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing owns org.freedesktop.secrets on the session bus after %s", limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// newProfileID returns an id no other test uses, and deletes its token at
// the end of the test.
func newProfileID(t *testing.T) string {
	t.Helper()
	id := "vaulttest-" + rand.Text()[:12]
	t.Cleanup(func() {
		if err := New().Delete(context.Background(), id); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("clean-up: %v", err)
		}
	})
	return id
}

// secretToolLookup returns what secret-tool, another Secret Service client,
// reads for the profile.
func secretToolLookup(t *testing.T, id string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "secret-tool", "lookup", "service", Service, "username", id).Output()
	if err != nil {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	return out
}

func printableASCII() string {
	var b strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		b.WriteByte(c)
	}
	return b.String()
}

func TestKeychainSetThenGetRoundTrips(t *testing.T) {
	v, id := New(), newProfileID(t)
	mustSet(t, v, id, "zap-access-token-1")
	mustGet(t, v, id, "zap-access-token-1")
}

func TestKeychainSetOverwrites(t *testing.T) {
	v, id := New(), newProfileID(t)
	mustSet(t, v, id, "first")
	mustSet(t, v, id, "second")
	mustGet(t, v, id, "second")
	if got := secretToolLookup(t, id); string(got) != "second" {
		t.Errorf("secret-tool reads %q, want only the new token", got)
	}
}

func TestKeychainDeleteLeavesNothing(t *testing.T) {
	ctx, v, id := context.Background(), New(), newProfileID(t)
	if _, err := v.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of a token never stored: got %v, want ErrNotFound", err)
	}
	if err := v.Delete(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of a token never stored: got %v, want ErrNotFound", err)
	}
	mustSet(t, v, id, "tok")
	if err := v.Delete(ctx, id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := v.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := v.Delete(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: got %v, want ErrNotFound", err)
	}
}

func TestKeychainKeepsProfilesApart(t *testing.T) {
	ctx, v, a, b := context.Background(), New(), newProfileID(t), newProfileID(t)
	mustSet(t, v, a, "token-a")
	mustSet(t, v, b, "token-b")
	mustGet(t, v, a, "token-a")
	mustGet(t, v, b, "token-b")
	if err := v.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	mustGet(t, v, b, "token-b")
}

func TestKeychainSecretIsExactlyTheToken(t *testing.T) {
	tests := []struct {
		name, token string
	}{
		{"a typical token", "pQ7x-Lk2_9aZ.vB3~"},
		{"every printable ASCII character, symbols and space included", printableASCII()},
		{"a 64 KiB token", strings.Repeat("0123456789abcdef", 64<<10/16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, id := New(), newProfileID(t)
			mustSet(t, v, id, tt.token)
			mustGet(t, v, id, tt.token)
			if got := secretToolLookup(t, id); !bytes.Equal(got, []byte(tt.token)) {
				t.Errorf("secret-tool reads %d bytes that differ from the %d-byte token", len(got), len(tt.token))
			}
		})
	}
}

func TestKeychainReadsWhatOtherToolsStore(t *testing.T) {
	id, token := newProfileID(t), printableASCII()
	cmd := exec.Command("secret-tool", "store", "--label=partnerdesk test", "service", Service, "username", id)
	cmd.Stdin = strings.NewReader(token)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v: %s", err, out)
	}
	mustGet(t, New(), id, token)
}

// The Secret Service sets no practical limit: gnome-keyring 42 stored and
// returned 16 MiB and 67,108,000 bytes. The D-Bus library refuses a secret
// over 64 MiB (D-Bus's array limit) before sending anything.
func TestKeychainSizeLimits(t *testing.T) {
	t.Run("a 1 MiB token round-trips", func(t *testing.T) {
		v, id := New(), newProfileID(t)
		token := strings.Repeat("x", 1<<20)
		mustSet(t, v, id, token)
		mustGet(t, v, id, token)
	})
	t.Run("a token over 64 MiB is ErrTooLarge and nothing is stored", func(t *testing.T) {
		ctx, v, id := context.Background(), New(), newProfileID(t)
		if err := v.Set(ctx, id, strings.Repeat("x", 64<<20+1)); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
		if _, err := v.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get: got %v, want ErrNotFound", err)
		}
	})
}

// isolatedCase is a keychain that cannot be used, set up for a child run of
// this test binary.
type isolatedCase struct {
	name string
	// setup runs in the parent: the command that the child runs under (the
	// child's own command line is appended) and its extra environment.
	setup func(t *testing.T) (wrapper, env []string)
	// check runs in the child.
	check func(t *testing.T)
}

var isolated = []isolatedCase{
	{
		name:  "a session bus with no Secret Service",
		setup: onBus("testdata/no-secret-service.conf"),
		check: wantUnavailable("no Secret Service on the session bus"),
	},
	{
		name:  "a Secret Service that exits at start",
		setup: onBus("testdata/broken-secret-service.conf"),
		check: wantUnavailable("the Secret Service failed to start"),
	},
	{
		name: "an unusable session bus address",
		setup: func(t *testing.T) ([]string, []string) {
			return nil, []string{"DBUS_SESSION_BUS_ADDRESS=disabled:"}
		},
		check: wantUnavailable("no usable D-Bus session bus address"),
	},
	{
		name: "a session bus that is gone",
		setup: func(t *testing.T) ([]string, []string) {
			return nil, []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(t.TempDir(), "gone")}
		},
		check: wantUnavailable("cannot connect to the D-Bus session bus"),
	},
	{
		// gnome-keyring started by the bus, as on a desktop where nobody set
		// up a keyring; it can show no prompt to create one without a display.
		name:  "a gnome-keyring with no default keyring",
		setup: onStandardBus,
		check: wantUnavailable("the keychain is locked, or has no default keyring"),
	},
	{
		name:  "a locked gnome-keyring that cannot prompt",
		setup: onStandardBus,
		check: func(t *testing.T) {
			unlock := exec.Command("gnome-keyring-daemon", "--unlock", "--components=secrets")
			unlock.Stdin = strings.NewReader("pw") // stdout stays /dev/null: the daemon keeps it
			if err := unlock.Run(); err != nil {
				t.Fatalf("gnome-keyring-daemon: %v", err)
			}
			if err := waitForSecretService(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			v := New()
			mustSet(t, v, "p1", "tok")
			lock := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
				"/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
				"array:objpath:/org/freedesktop/secrets/collection/login")
			if out, err := lock.CombinedOutput(); err != nil {
				t.Fatalf("lock: %v: %s", err, out)
			}
			wantUnavailable("the keychain is locked, or has no default keyring")(t)
		},
	},
	{
		name:  "a Secret Service that never answers",
		setup: onBus("testdata/hung-secret-service.conf"),
		check: func(t *testing.T) {
			ctx := context.Background()
			// Each call waits for two activations, each given up after 1 s.
			var te *TimeoutError
			_, err := (&Vault{Timeout: 100 * time.Millisecond}).Get(ctx, "p1")
			if !errors.As(err, &te) || te.Op != "get" {
				t.Fatalf("first call: got %v, want *TimeoutError", err)
			}
			t.Logf("first call: %v", err)
			// Its goroutine still holds the slot: the next call times out too.
			if err := (&Vault{Timeout: 100 * time.Millisecond}).Set(ctx, "p1", "tok"); !errors.As(err, &te) || te.Op != "set" {
				t.Fatalf("second call: got %v, want *TimeoutError", err)
			}
			// Once dbus-daemon gives up on the first call, the slot is free
			// again and a patient call gets the bus's own answer.
			_, err = (&Vault{Timeout: time.Minute}).Get(ctx, "p1")
			var u *UnavailableError
			if !errors.As(err, &u) || u.Reason != "the Secret Service failed to start" {
				t.Fatalf("third call: got %v, want *UnavailableError(the Secret Service failed to start)", err)
			}
			t.Logf("third call: %v (%v)", err, errors.Unwrap(err))
		},
	},
}

// onBus runs the child on a private session bus configured by conf.
func onBus(conf string) func(t *testing.T) ([]string, []string) {
	return func(t *testing.T) ([]string, []string) {
		abs, err := filepath.Abs(conf)
		if err != nil {
			t.Fatal(err)
		}
		return []string{"dbus-run-session", "--config-file=" + abs, "--"}, nil
	}
}

// onStandardBus runs the child on a private session bus with the stock
// configuration, where gnome-keyring is D-Bus-activatable, in fresh XDG
// directories. Without a display, gnome-keyring cannot show a prompt.
func onStandardBus(t *testing.T) ([]string, []string) {
	var env []string
	for _, name := range []string{"XDG_DATA_HOME", "XDG_RUNTIME_DIR"} {
		// Not t.TempDir: gnome-keyring may still be exiting when the test
		// ends, so its removal is best effort.
		dir, err := os.MkdirTemp("", "vaulttest-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		env = append(env, name+"="+dir)
	}
	return []string{"dbus-run-session", "--"}, env
}

// wantUnavailable checks that every call fails with an *UnavailableError
// giving reason.
func wantUnavailable(reason string) func(t *testing.T) {
	return func(t *testing.T) {
		for op, call := range calls {
			err := call(New(), "p1")
			var u *UnavailableError
			if !errors.As(err, &u) || u.Reason != reason {
				t.Errorf("%s: got %v, want *UnavailableError(%s)", op, err, reason)
				continue
			}
			t.Logf("%s: %v; the library said: %v", op, err, u.Err)
		}
	}
}

func TestKeychainWithoutAUsableSecretService(t *testing.T) {
	for _, c := range isolated {
		t.Run(c.name, func(t *testing.T) {
			wrapper, env := c.setup(t)
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			args := append(wrapper, self, "-test.run=^TestKeychainChild$", "-test.v", "-test.count=1")
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Env = append(childBaseEnv(), env...)
			cmd.Env = append(cmd.Env, childEnv+"="+c.name)
			out, err := cmd.CombinedOutput()
			t.Logf("child output:\n%s", out)
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			if !bytes.Contains(out, []byte("--- PASS: TestKeychainChild")) {
				t.Fatal("the child did not run the case")
			}
		})
	}
}

// childBaseEnv is this process's environment without its session bus and
// display: a child gets the bus its case sets up, and no prompt can appear.
func childBaseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", childEnv:
			continue
		}
		env = append(env, kv)
	}
	return env
}

// TestKeychainChild runs one isolated case; only as a child.
func TestKeychainChild(t *testing.T) {
	name := os.Getenv(childEnv)
	if name == "" {
		t.Skip("runs only as a child of TestKeychainWithoutAUsableSecretService")
	}
	for _, c := range isolated {
		if c.name == name {
			c.check(t)
			return
		}
	}
	t.Fatalf("no case %q", name)
}
