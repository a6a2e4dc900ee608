//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package vault

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckSessionBusFindsTheBusAsGodbusWould(t *testing.T) {
	tests := []struct {
		name    string
		address string
		file    string // created in the runtime dir
		want    bool   // a bus is found
	}{
		{"an address in the environment is used", "unix:path=/tmp/bus", "", true},
		{"an unusable address is still godbus's to report", "disabled:", "", true},
		{"no address and a bus socket in /run/user/UID", "", "bus", true},
		{"no address and a dbus-session file in /run/user/UID", "", "dbus-session", true},
		{"no address and nothing in /run/user/UID means no bus", "", "", false},
		{`"autolaunch:" counts as no address`, "autolaunch:", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", tt.address)
			useRuntimeDir(t)
			if tt.file != "" {
				if err := os.WriteFile(filepath.Join(runtimeDir, tt.file), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := checkSessionBus()
			var u *UnavailableError
			switch {
			case tt.want && err != nil:
				t.Errorf("got %v, want a bus", err)
			case !tt.want && (!errors.As(err, &u) || u.Reason != "no D-Bus session bus"):
				t.Errorf("got %v, want *UnavailableError(no D-Bus session bus)", err)
			}
		})
	}
}

// Without a session bus, godbus would run dbus-launch, which starts a bus
// daemon that outlives the process. The vault must say "unavailable" instead.
func TestNoSessionBusNeverStartsOne(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	useRuntimeDir(t)
	bin := t.TempDir()
	marker := filepath.Join(bin, "dbus-launch-ran")
	script := "#!/bin/sh\necho ran > '" + marker + "'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	// backend is the real one here: go-keyring behind the check.
	for op, call := range calls {
		err := call(New(), "p1")
		var u *UnavailableError
		if !errors.As(err, &u) || u.Reason != "no D-Bus session bus" {
			t.Errorf("%s: got %v, want *UnavailableError(no D-Bus session bus)", op, err)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("dbus-launch was run")
	}
	if _, err := New().Get(context.Background(), "p1"); err == nil || err.Error() != "keychain unavailable: no D-Bus session bus" {
		t.Errorf("Error() = %q", err)
	}
}

// useRuntimeDir points the session bus search at an empty directory.
func useRuntimeDir(t *testing.T) {
	t.Helper()
	old := runtimeDir
	runtimeDir = t.TempDir()
	t.Cleanup(func() { runtimeDir = old })
}
