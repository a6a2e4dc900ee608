// Package vault keeps each profile's access token in the OS keychain
// through go-keyring: service "partnerdesk", user = the profile's stable id,
// secret = exactly the access token, so other tools can read it too
// (secret-tool lookup service partnerdesk username ID). A code-grant
// profile's refresh token and client secret are entries of their own
// (RefreshTokenUser, ClientSecretUser), read and written with the same calls.
//
// What it adds to go-keyring: a hard time-out on every call (a locked Secret
// Service can otherwise wait forever on its unlock prompt), a "waiting for
// your keychain" signal after a second, one keychain call at a time per
// process, input checks, typed errors (ErrNotFound, ErrTooLarge,
// *UnavailableError, *TimeoutError) and, where go-keyring speaks D-Bus, a
// refusal to let the D-Bus library start a session bus of its own.
//
// What it deliberately does not do: fall back to a plaintext file when
// there is no keychain, cache tokens in memory, or lock across processes
// (the Secret Service orders the GUI's and the CLI's calls itself).
//
// A call that times out or is cancelled returns at once, but go-keyring has
// no way to be stopped: its goroutine stays blocked until the keychain
// answers (often: until the operator answers or dismisses the unlock
// prompt), and keeps the one keychain slot until then. Later calls wait for
// that slot only up to their own time-out, so at most one such goroutine
// exists per process. And because it may still finish, a Set or Delete that
// timed out may take effect later.
package vault

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name under which every token is stored.
const Service = "partnerdesk"

// Defaults used by New and by a Vault whose fields are zero. Thirty seconds
// leaves time to type a keychain password (gh moved from 3 s to 30 s because
// 3 s was too short for that).
const (
	DefaultTimeout   = 30 * time.Second
	DefaultSlowAfter = time.Second
)

var (
	// ErrNotFound means no token is stored for this profile.
	ErrNotFound = errors.New("no token stored in the keychain for this profile")

	// ErrTooLarge means the OS keychain refuses a secret this large. go-keyring
	// gives the limits as about 3000 bytes for service, user and secret together
	// on macOS and 2560 bytes of secret on Windows. On Linux gnome-keyring sets
	// no practical limit (it stored 67,108,000 bytes); the D-Bus library
	// refuses a secret over 64 MiB, D-Bus's array limit.
	ErrTooLarge = errors.New("the token is too large for the keychain")
)

// UnavailableError means there is no usable keychain on this system: no
// D-Bus session bus, no Secret Service on it, a Secret Service that fails to
// start, or a keychain that is locked and could not be unlocked.
type UnavailableError struct {
	Reason string // in short words, e.g. "no Secret Service on the session bus"
	Err    error  // what the keychain library reported; may be nil
}

// Error reads "keychain unavailable: " and the reason.
func (e *UnavailableError) Error() string { return "keychain unavailable: " + e.Reason }

// Unwrap returns the underlying error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// TimeoutError means the keychain did not answer in time; often it is
// locked and waiting for its password.
type TimeoutError struct {
	Op    string        // "get", "set" or "delete"
	After time.Duration // the time-out that expired
}

// Error says how long the keychain was waited for.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the keychain did not answer within %s (it may be locked)", e.After)
}

// Vault reads and writes tokens in the OS keychain. The zero value is ready
// to use, with the defaults. Set the fields before the first call; a Vault
// may then be used from several goroutines.
type Vault struct {
	// Timeout is the hard limit for one call, waiting for an earlier call
	// included; zero means DefaultTimeout.
	Timeout time.Duration

	// SlowAfter is how long a call runs before OnSlow is called; zero means
	// DefaultSlowAfter.
	SlowAfter time.Duration

	// OnSlow, if not nil, is called once for each call still running after
	// SlowAfter, with the call's op ("get", "set" or "delete"), to tell the
	// operator that the keychain is being waited for. It runs on the calling
	// goroutine while the time-out keeps counting, so it must return quickly.
	OnSlow func(op string)
}

// New returns a Vault with the default time-outs.
func New() *Vault {
	return &Vault{Timeout: DefaultTimeout, SlowAfter: DefaultSlowAfter}
}

// Get returns the token stored for the profile, or ErrNotFound.
func (v *Vault) Get(ctx context.Context, profileID string) (string, error) {
	what := "read " + entryName(profileID)
	if err := checkProfileID(profileID); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	b := backend
	token, err := v.call(ctx, "get", func() (string, error) { return b.get(Service, profileID) })
	if err != nil {
		return "", describe(err, what)
	}
	return token, nil
}

// Set stores the token for the profile, replacing any token stored before.
// A token must be printable ASCII (RFC 6749's VSCHAR), which rules out
// newlines and other control characters.
func (v *Vault) Set(ctx context.Context, profileID, token string) error {
	what := "save " + entryName(profileID)
	if err := checkProfileID(profileID); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := checkToken(token); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	b := backend
	_, err := v.call(ctx, "set", func() (string, error) { return "", b.set(Service, profileID, token) })
	if err != nil {
		return describe(err, what)
	}
	return nil
}

// Delete removes the profile's token; ErrNotFound when nothing was stored.
func (v *Vault) Delete(ctx context.Context, profileID string) error {
	what := "delete " + entryName(profileID)
	if err := checkProfileID(profileID); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	b := backend
	_, err := v.call(ctx, "delete", func() (string, error) { return "", b.del(Service, profileID) })
	if err != nil {
		return describe(err, what)
	}
	return nil
}

// keychain is the keychain a Vault talks to: go-keyring's three functions.
// Tests swap backend for go-keyring's mock or for one that blocks.
type keychain struct {
	get func(service, user string) (string, error)
	set func(service, user, secret string) error
	del func(service, user string) error
}

// backend is go-keyring behind a check that stops its D-Bus library from
// starting a session bus of its own (see checkSessionBus).
var backend = keychain{
	get: func(service, user string) (string, error) {
		if err := checkSessionBus(); err != nil {
			return "", err
		}
		return keyring.Get(service, user)
	},
	set: func(service, user, secret string) error {
		if err := checkSessionBus(); err != nil {
			return err
		}
		return keyring.Set(service, user, secret)
	},
	del: func(service, user string) error {
		if err := checkSessionBus(); err != nil {
			return err
		}
		return keyring.Delete(service, user)
	},
}

// slot admits one keychain call at a time in this process. The goroutine
// running go-keyring holds it until go-keyring returns, even when its caller
// has given up, so a hung call never has company.
var slot = make(chan struct{}, 1)

type result struct {
	secret string
	err    error
}

// call runs fn in its own goroutine once the slot is free, and returns its
// result, a *TimeoutError when v's time-out expires first (waiting for the
// slot included), or ctx's error when ctx ends first.
func (v *Vault) call(ctx context.Context, op string, fn func() (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	timeout := v.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	slowAfter := v.SlowAfter
	if slowAfter <= 0 {
		slowAfter = DefaultSlowAfter
	}
	parent := ctx
	ctx, cancel := context.WithTimeoutCause(parent, timeout, &TimeoutError{Op: op, After: timeout})
	defer cancel()
	slow := time.NewTimer(slowAfter)
	defer slow.Stop()

	acquire := slot      // nil once the slot is ours
	var done chan result // nil until fn runs
	slowC := slow.C
	for {
		select {
		case acquire <- struct{}{}:
			acquire = nil
			done = make(chan result, 1)
			go run(fn, done)
		case r := <-done:
			return r.secret, r.err
		case <-slowC:
			slowC = nil
			if v.OnSlow != nil {
				v.OnSlow(op)
			}
		case <-ctx.Done():
			select {
			case r := <-done: // finished at the same moment: keep the answer
				return r.secret, r.err
			default:
			}
			if err := parent.Err(); err != nil {
				return "", err
			}
			return "", context.Cause(ctx)
		}
	}
}

// run calls fn, sends its result on done (buffered, so it never blocks)
// and then frees the slot. A panic in the keychain library becomes an error
// rather than ending the process from a goroutine nobody waits for.
func run(fn func() (string, error), done chan<- result) {
	defer func() { <-slot }()
	defer func() {
		if p := recover(); p != nil {
			done <- result{err: fmt.Errorf("keychain library panicked: %v", p)}
		}
	}()
	secret, err := fn()
	done <- result{secret, err}
}

// describe returns the typed error err stands for, or err wrapped with what
// was being done. No error here carries the token: go-keyring's and D-Bus's
// errors never include the secret.
func describe(err error, what string) error {
	if typed := classify(err); typed != nil {
		return typed
	}
	return fmt.Errorf("%s: %w", what, err)
}

// knownTexts maps texts of errors that go-keyring passes through from the
// D-Bus library and the bus. go-keyring does not export them as values,
// and the D-Bus error name is not visible without importing godbus, so they
// are matched by text. The first match wins. Unless marked otherwise they
// were seen on a real bus (dbus-daemon 1.14, gnome-keyring 42, godbus 5.1);
// keychain_test.go checks them there.
var knownTexts = []struct {
	text   string
	reason string // for an *UnavailableError; "" means ErrTooLarge
}{
	// org.freedesktop.DBus.Error.ServiceUnknown from dbus-daemon: nothing
	// owns org.freedesktop.secrets and no .service file can start it.
	{"was not provided by any .service files", "no Secret Service on the session bus"},
	// The same from dbus-broker (Fedora, Arch), taken from its source.
	{"Destination does not exist", "no Secret Service on the session bus"},
	{"The name is not activatable", "no Secret Service on the session bus"},
	// dbus-daemon could not start the Secret Service it has a .service file
	// for: Spawn.ChildExited ("Process org.freedesktop.secrets exited with
	// status 1"; "... received signal" is the same family), Spawn.ExecFailed,
	// and TimedOut ("Failed to activate service 'org.freedesktop.secrets':
	// timed out (service_start_timeout=...)").
	{"Process org.freedesktop.secrets ", "the Secret Service failed to start"},
	{"Failed to execute program org.freedesktop.secrets", "the Secret Service failed to start"},
	{"Failed to activate service 'org.freedesktop.secrets'", "the Secret Service failed to start"},
	// go-keyring: the unlock prompt was dismissed or could not be shown (no
	// display), or there is no default keyring to unlock.
	{"failed to unlock correct collection", "the keychain is locked, or has no default keyring"},
	// godbus, when it cannot find or parse the session bus address.
	{"dbus: couldn't determine address of session bus", "no D-Bus session bus"},
	{"dbus: invalid bus address", "no usable D-Bus session bus address"},
	// godbus refuses a message over D-Bus's limits: arrays (the secret) of
	// more than 64 MiB, messages of more than 128 MiB.
	{"input exceeds array size limitation", ""},
	{"message is too long", ""},
}

// classify returns the vault error err stands for, or nil.
func classify(err error) error {
	var (
		unavailable *UnavailableError
		timeout     *TimeoutError
		dial        *net.OpError
	)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooLarge
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return &UnavailableError{Reason: "no supported keychain on this system", Err: err}
	case errors.As(err, &unavailable):
		return unavailable
	case errors.As(err, &timeout):
		return timeout
	case errors.As(err, &dial) && dial.Op == "dial":
		// "dial unix /run/...: connect: connection refused" or
		// "... no such file or directory": the bus address is stale.
		return &UnavailableError{Reason: "cannot connect to the D-Bus session bus", Err: err}
	}
	msg := err.Error()
	for _, k := range knownTexts {
		if strings.Contains(msg, k.text) {
			if k.reason == "" {
				return ErrTooLarge
			}
			return &UnavailableError{Reason: k.reason, Err: err}
		}
	}
	return nil
}

func checkProfileID(id string) error {
	switch {
	case id == "":
		return errors.New("empty profile id")
	case !utf8.ValidString(id):
		return errors.New("profile id is not valid UTF-8")
	case strings.ContainsFunc(id, unicode.IsControl):
		return errors.New("profile id contains a control character")
	}
	return nil
}

// checkToken accepts RFC 6749's access token characters, VSCHAR (%x20-7E).
// Its errors never include the token.
func checkToken(token string) error {
	if token == "" {
		return errors.New("empty token")
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("token byte %d is not printable ASCII (a newline, control character or non-ASCII)", i)
		}
	}
	return nil
}
