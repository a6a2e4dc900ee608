package vault

import (
	"context"
	"errors"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// These tests never touch a real keychain: they run a keychain in memory,
// or one that blocks until the test lets it go. keychain_test.go (build
// tag keychain) runs the real one.
//
// They never use go-keyring's mock (keyring.MockInit): it replaces
// go-keyring's one global provider for the rest of the test binary, with no
// way back, so the real-keychain tests that happened to run after it would
// quietly test the mock, and each test would see what the one before it
// left. Every test here sets up its own keychain and leaves go-keyring alone.

// useBackend swaps the vault's keychain for the length of the test.
func useBackend(t *testing.T, k keychain) {
	t.Helper()
	old := backend
	backend = k
	t.Cleanup(func() { backend = old })
}

// memoryKeychain is a keychain in memory, owned by one test. It answers as
// go-keyring does: keyring.ErrNotFound for a missing entry.
type memoryKeychain struct {
	mu      sync.Mutex
	secrets map[[2]string]string // service, user -> secret
}

func (m *memoryKeychain) get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.secrets[[2]string{service, user}]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}

func (m *memoryKeychain) set(service, user, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.secrets[[2]string{service, user}] = secret
	return nil
}

func (m *memoryKeychain) del(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.secrets[[2]string{service, user}]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.secrets, [2]string{service, user})
	return nil
}

// useMemoryKeychain puts a fresh, empty keychain in memory behind the vault.
func useMemoryKeychain(t *testing.T) *memoryKeychain {
	t.Helper()
	m := &memoryKeychain{secrets: map[[2]string]string{}}
	useBackend(t, keychain{get: m.get, set: m.set, del: m.del})
	return m
}

// useFailingKeychain puts a keychain behind the vault that fails every call
// with err, as go-keyring passes a library's error through.
func useFailingKeychain(t *testing.T, err error) {
	t.Helper()
	useBackend(t, keychain{
		get: func(string, string) (string, error) { return "", err },
		set: func(string, string, string) error { return err },
		del: func(string, string) error { return err },
	})
}

// waitIdle returns once no keychain call is running.
func waitIdle() {
	slot <- struct{}{}
	<-slot
}

// blocker is a keychain that does not answer until released: a locked
// keychain waiting for its password.
type blocker struct {
	entered chan string // an op, each time a call reaches the keychain
	release chan struct{}
	once    sync.Once
	calls   atomic.Int32
}

// useBlocker puts a blocker behind the vault; at the end of the test it
// lets every call go and waits for them.
func useBlocker(t *testing.T) *blocker {
	t.Helper()
	b := &blocker{entered: make(chan string, 16), release: make(chan struct{})}
	wait := func(op string) {
		b.calls.Add(1)
		b.entered <- op
		<-b.release
	}
	useBackend(t, keychain{
		get: func(string, string) (string, error) { wait("get"); return "the-token", nil },
		set: func(string, string, string) error { wait("set"); return nil },
		del: func(string, string) error { wait("delete"); return nil },
	})
	t.Cleanup(func() { b.unblock(); waitIdle() })
	return b
}

func (b *blocker) unblock() { b.once.Do(func() { close(b.release) }) }

// refuseCalls puts a keychain behind the vault that fails the test if
// reached.
func refuseCalls(t *testing.T) {
	t.Helper()
	fail := func() { t.Error("the keychain was called") }
	useBackend(t, keychain{
		get: func(string, string) (string, error) { fail(); return "", nil },
		set: func(string, string, string) error { fail(); return nil },
		del: func(string, string) error { fail(); return nil },
	})
}

func TestTokensRoundTripThroughTheKeychain(t *testing.T) {
	kc := useMemoryKeychain(t)
	ctx := context.Background()
	v := New()

	if _, err := v.Get(ctx, "p1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: got %v, want ErrNotFound", err)
	}
	mustSet(t, v, "p1", "first-token")
	mustGet(t, v, "p1", "first-token")
	mustSet(t, v, "p1", "second-token")
	mustGet(t, v, "p1", "second-token")
	mustSet(t, v, "p2", "other-token")
	mustGet(t, v, "p1", "second-token")
	mustGet(t, v, "p2", "other-token")

	// The contract other tools rely on: service "partnerdesk", user = the
	// profile id, secret = exactly the token.
	if got, err := kc.get("partnerdesk", "p1"); err != nil || got != "second-token" {
		t.Errorf(`the keychain's entry for ("partnerdesk", "p1") = %q, %v; want "second-token"`, got, err)
	}

	if err := v.Delete(ctx, "p1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := v.Get(ctx, "p1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := v.Delete(ctx, "p1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of a missing token: got %v, want ErrNotFound", err)
	}
	mustGet(t, v, "p2", "other-token")
}

func TestZeroVaultUsesTheDefaults(t *testing.T) {
	if v := New(); v.Timeout != 30*time.Second || v.SlowAfter != time.Second {
		t.Errorf("New() = %+v, want a 30s time-out and 1s slow signal", v)
	}
	useMemoryKeychain(t)
	var v Vault
	mustSet(t, &v, "p1", "tok")
	mustGet(t, &v, "p1", "tok")
}

func TestEveryPrintableASCIITokenIsAccepted(t *testing.T) {
	useMemoryKeychain(t)
	var b strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		b.WriteByte(c)
	}
	mustSet(t, New(), "p1", b.String())
	mustGet(t, New(), "p1", b.String())
}

func TestBadInputIsRefusedBeforeTheKeychain(t *testing.T) {
	const secret = "s3cr3t"
	tests := []struct {
		name string
		call func(v *Vault) error
	}{
		{"an empty profile id is refused by Get", func(v *Vault) error { _, err := v.Get(context.Background(), ""); return err }},
		{"an empty profile id is refused by Set", func(v *Vault) error { return v.Set(context.Background(), "", secret) }},
		{"an empty profile id is refused by Delete", func(v *Vault) error { return v.Delete(context.Background(), "") }},
		{"a profile id with a newline is refused", func(v *Vault) error { return v.Set(context.Background(), "p\n1", secret) }},
		{"a profile id that is not UTF-8 is refused", func(v *Vault) error { return v.Set(context.Background(), "p\xff", secret) }},
		{"an empty token is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", "") }},
		{"a token ending in a newline is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", secret+"\n") }},
		{"a token with a carriage return is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", secret+"\r") }},
		{"a token with a tab is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", "s3\tcr3t") }},
		{"a token with a NUL is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", "s3\x00cr3t") }},
		{"a token with DEL is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", "s3\x7fcr3t") }},
		{"a token with a non-ASCII letter is refused", func(v *Vault) error { return v.Set(context.Background(), "p1", "s3cré3t") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refuseCalls(t)
			err := tt.call(New())
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "s3") {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

// The texts below were seen on a real bus (dbus-daemon 1.14, gnome-keyring
// 42, godbus 5.1), except dbus-broker's, which come from its source.
func TestKeychainErrorsBecomeTypedErrors(t *testing.T) {
	dialRefused := &net.OpError{Op: "dial", Net: "unix",
		Addr: &net.UnixAddr{Name: "/tmp/dbus-gone", Net: "unix"},
		Err:  os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name   string
		err    error
		is     error  // for errors.Is; nil when reason is set
		reason string // the *UnavailableError's Reason
	}{
		{"go-keyring's not-found is ErrNotFound", keyring.ErrNotFound, ErrNotFound, ""},
		{"go-keyring's too-big is ErrTooLarge", keyring.ErrSetDataTooBig, ErrTooLarge, ""},
		{"D-Bus's 64 MiB array limit is ErrTooLarge",
			errors.New("dbus: wire format error: input exceeds array size limitation"), ErrTooLarge, ""},
		{"D-Bus's 128 MiB message limit is ErrTooLarge",
			errors.New("dbus: invalid message: message is too long"), ErrTooLarge, ""},
		{"no Secret Service on dbus-daemon is unavailable",
			errors.New("The name org.freedesktop.secrets was not provided by any .service files"), nil, "no Secret Service on the session bus"},
		{"no Secret Service on dbus-broker is unavailable",
			errors.New("Destination does not exist"), nil, "no Secret Service on the session bus"},
		{"a Secret Service that exits at start is unavailable",
			errors.New("Process org.freedesktop.secrets exited with status 1"), nil, "the Secret Service failed to start"},
		{"a Secret Service that cannot be run is unavailable",
			errors.New("Failed to execute program org.freedesktop.secrets: No such file or directory"), nil, "the Secret Service failed to start"},
		{"a Secret Service that never starts is unavailable",
			errors.New("Failed to activate service 'org.freedesktop.secrets': timed out (service_start_timeout=2000ms)"), nil, "the Secret Service failed to start"},
		{"a keychain that could not be unlocked is unavailable",
			errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"), nil, "the keychain is locked, or has no default keyring"},
		{"no session bus address is unavailable",
			errors.New("dbus: couldn't determine address of session bus"), nil, "no D-Bus session bus"},
		{"a bad session bus address is unavailable",
			errors.New("dbus: invalid bus address (invalid or unsupported transport)"), nil, "no usable D-Bus session bus address"},
		{"a session bus that refuses connections is unavailable", dialRefused, nil, "cannot connect to the D-Bus session bus"},
		{"a platform go-keyring does not support is unavailable",
			keyring.ErrUnsupportedPlatform, nil, "no supported keychain on this system"},
	}
	for _, tt := range tests {
		for op, call := range calls {
			t.Run(tt.name+" ("+op+")", func(t *testing.T) {
				useFailingKeychain(t, tt.err)
				err := call(New(), "p1")
				if tt.is != nil {
					if err != tt.is {
						t.Errorf("got %v, want exactly %v", err, tt.is)
					}
					return
				}
				var u *UnavailableError
				if !errors.As(err, &u) {
					t.Fatalf("got %T %v, want *UnavailableError", err, err)
				}
				if u.Reason != tt.reason {
					t.Errorf("Reason = %q, want %q", u.Reason, tt.reason)
				}
				if !errors.Is(err, tt.err) {
					t.Errorf("%v does not wrap %v", err, tt.err)
				}
				if want := "keychain unavailable: " + tt.reason; err.Error() != want {
					t.Errorf("Error() = %q, want %q", err, want)
				}
			})
		}
	}
}

// calls are the three operations, as functions of a vault and a profile id.
var calls = map[string]func(v *Vault, id string) error{
	"get":    func(v *Vault, id string) error { _, err := v.Get(context.Background(), id); return err },
	"set":    func(v *Vault, id string) error { return v.Set(context.Background(), id, "tok") },
	"delete": func(v *Vault, id string) error { return v.Delete(context.Background(), id) },
}

func TestOtherErrorsAreWrappedWithWhatWasBeingDone(t *testing.T) {
	orig := errors.New("org.freedesktop.Secret.Error.NoSession")
	want := map[string]string{
		"get":    `read token for profile "p1": org.freedesktop.Secret.Error.NoSession`,
		"set":    `save token for profile "p1": org.freedesktop.Secret.Error.NoSession`,
		"delete": `delete token for profile "p1": org.freedesktop.Secret.Error.NoSession`,
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			useFailingKeychain(t, orig)
			err := call(New(), "p1")
			if !errors.Is(err, orig) || err.Error() != want[op] {
				t.Errorf("got %q, want %q wrapping the original", err, want[op])
			}
		})
	}
}

func TestACallThatDoesNotAnswerTimesOut(t *testing.T) {
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			useBlocker(t)
			// No OnSlow: a nil one must be fine.
			v := &Vault{Timeout: time.Millisecond, SlowAfter: time.Nanosecond}
			err := call(v, "p1")
			var te *TimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("got %T %v, want *TimeoutError", err, err)
			}
			if te.Op != op || te.After != time.Millisecond {
				t.Errorf("got %+v, want Op %q After 1ms", te, op)
			}
		})
	}
}

func TestTimeoutErrorReadsPlainly(t *testing.T) {
	err := &TimeoutError{Op: "get", After: 30 * time.Second}
	if got, want := err.Error(), "the keychain did not answer within 30s (it may be locked)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAHungCallHoldsTheSlotButLaterCallsStillReturn(t *testing.T) {
	b := useBlocker(t)

	// A first caller gives up while the keychain hangs.
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := New().Get(ctx, "p1"); first <- err }()
	<-b.entered
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first call: got %v, want context.Canceled", err)
	}

	// A second call cannot start while the first one's goroutine is still
	// inside the keychain: it times out on its own time-out.
	var te *TimeoutError
	if _, err := (&Vault{Timeout: time.Millisecond}).Get(context.Background(), "p2"); !errors.As(err, &te) {
		t.Fatalf("second call: got %v, want *TimeoutError", err)
	}
	if n := b.calls.Load(); n != 1 {
		t.Fatalf("%d calls reached the keychain, want only the hung one", n)
	}

	// Once the keychain answers the hung call, the next call goes through.
	third := make(chan error, 1)
	go func() { _, err := (&Vault{Timeout: time.Hour}).Get(context.Background(), "p3"); third <- err }()
	b.unblock()
	if err := <-third; err != nil {
		t.Fatalf("third call: %v", err)
	}
	if n := b.calls.Load(); n != 2 {
		t.Errorf("%d calls reached the keychain, want 2", n)
	}
}

func TestCallsReachTheKeychainOneAtATime(t *testing.T) {
	kc := &memoryKeychain{secrets: map[[2]string]string{}}
	var inside, overlaps atomic.Int32
	enter := func() {
		if inside.Add(1) > 1 {
			overlaps.Add(1)
		}
		runtime.Gosched()
		inside.Add(-1)
	}
	useBackend(t, keychain{
		get: func(s, u string) (string, error) { enter(); return kc.get(s, u) },
		set: func(s, u, p string) error { enter(); return kc.set(s, u, p) },
		del: func(s, u string) error { enter(); return kc.del(s, u) },
	})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			id := string(rune('a' + i))
			v := &Vault{Timeout: time.Hour}
			if err := v.Set(context.Background(), id, "tok"); err != nil {
				t.Error(err)
			}
			if _, err := v.Get(context.Background(), id); err != nil {
				t.Error(err)
			}
			if err := v.Delete(context.Background(), id); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d calls overlapped in the keychain", n)
	}
}

func TestCancellingTheContextEndsTheCall(t *testing.T) {
	t.Run("a context cancelled before the call never reaches the keychain", func(t *testing.T) {
		refuseCalls(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := New().Get(ctx, "p1")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if got, want := err.Error(), `read token for profile "p1": context canceled`; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("a context cancelled while the keychain hangs", func(t *testing.T) {
		b := useBlocker(t)
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan error, 1)
		go func() { res <- New().Set(ctx, "p1", "tok") }()
		<-b.entered
		cancel()
		if err := <-res; !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
	t.Run("a context cancelled while waiting for an earlier call", func(t *testing.T) {
		b := useBlocker(t)
		go New().Get(context.Background(), "p1") // ends at clean-up
		<-b.entered
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan error, 1)
		v := &Vault{Timeout: time.Hour, SlowAfter: time.Nanosecond, OnSlow: func(string) { cancel() }}
		go func() { res <- v.Delete(ctx, "p2") }()
		if err := <-res; !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if n := b.calls.Load(); n != 1 {
			t.Errorf("%d calls reached the keychain, want 1", n)
		}
	})
	t.Run("the caller's own deadline is the caller's error, not a TimeoutError", func(t *testing.T) {
		useBlocker(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		_, err := (&Vault{Timeout: time.Hour}).Get(ctx, "p1")
		var te *TimeoutError
		if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestOnSlowSaysTheKeychainIsBeingWaitedFor(t *testing.T) {
	t.Run("once, while the keychain has not answered", func(t *testing.T) {
		b := useBlocker(t)
		slowOps := make(chan string, 4)
		v := &Vault{Timeout: time.Hour, SlowAfter: time.Nanosecond, OnSlow: func(op string) { slowOps <- op }}
		res := make(chan error, 1)
		go func() { res <- v.Set(context.Background(), "p1", "tok") }()
		if op := <-slowOps; op != "set" {
			t.Errorf("OnSlow(%q), want OnSlow(\"set\")", op)
		}
		b.unblock()
		if err := <-res; err != nil {
			t.Fatal(err)
		}
		if n := len(slowOps); n != 0 {
			t.Errorf("OnSlow called %d more times", n)
		}
	})
	t.Run("while waiting for an earlier call", func(t *testing.T) {
		b := useBlocker(t)
		go New().Get(context.Background(), "p1") // ends at clean-up
		<-b.entered
		slowOps := make(chan string, 4)
		v := &Vault{Timeout: time.Hour, SlowAfter: time.Nanosecond, OnSlow: func(op string) { slowOps <- op }}
		res := make(chan error, 1)
		go func() { res <- v.Delete(context.Background(), "p2") }()
		if op := <-slowOps; op != "delete" {
			t.Errorf("OnSlow(%q), want OnSlow(\"delete\")", op)
		}
		if n := b.calls.Load(); n != 1 {
			t.Errorf("%d calls reached the keychain, want only the earlier one", n)
		}
		b.unblock()
		if err := <-res; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("never, when the keychain answers at once", func(t *testing.T) {
		useMemoryKeychain(t)
		v := &Vault{SlowAfter: time.Hour, OnSlow: func(op string) { t.Errorf("OnSlow(%q)", op) }}
		mustSet(t, v, "p1", "tok")
		mustGet(t, v, "p1", "tok")
	})
}

func TestAPanicInTheKeychainLibraryIsAnError(t *testing.T) {
	useBackend(t, keychain{get: func(string, string) (string, error) { panic("interface conversion") }})
	_, err := New().Get(context.Background(), "p1")
	if err == nil || !strings.Contains(err.Error(), "keychain library panicked: interface conversion") {
		t.Fatalf("got %v, want the panic as an error", err)
	}
	useMemoryKeychain(t)
	mustSet(t, New(), "p1", "tok") // the slot was freed
}

func mustSet(t *testing.T, v *Vault, id, token string) {
	t.Helper()
	if err := v.Set(context.Background(), id, token); err != nil {
		t.Fatalf("Set(%q): %v", id, err)
	}
}

func mustGet(t *testing.T, v *Vault, id, want string) {
	t.Helper()
	got, err := v.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	if got != want {
		t.Fatalf("Get(%q) = %q, want %q", id, got, want)
	}
}
