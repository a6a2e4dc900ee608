//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// runtimeDir is where godbus looks for a session bus when
// DBUS_SESSION_BUS_ADDRESS is not set; tests point it elsewhere.
var runtimeDir = "/run/user/" + strconv.Itoa(os.Getuid())

// checkSessionBus returns an *UnavailableError when godbus would find no
// session bus address. godbus would then run dbus-launch, which starts a
// session bus of its own that outlives the process (seen here: an orphaned
// dbus-daemon) and can in turn start a Secret Service with a keyring nobody
// can unlock. It mirrors godbus's own search (v5.1): the variable unless
// empty or "autolaunch:", then $runtimeDir/bus, then $runtimeDir/dbus-session.
func checkSessionBus() error {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return nil
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runtimeDir, name)); !os.IsNotExist(err) {
			return nil
		}
	}
	return &UnavailableError{
		Reason: "no D-Bus session bus",
		Err:    fmt.Errorf("DBUS_SESSION_BUS_ADDRESS is not set and %s has no session bus", runtimeDir),
	}
}
