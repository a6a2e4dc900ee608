// Package paths is the one place that knows where Partnerdesk keeps its
// files on this computer: the XDG base directories (through adrg/xdg) with
// a "partnerdesk" folder in each.
//
// Every function reads xdg's current values when called, so tests that set
// the XDG_* variables and call xdg.Reload get their temporary folders. The
// package only names folders and files; it creates, reads and removes
// nothing.
package paths

import (
	"path/filepath"

	"github.com/adrg/xdg"
)

// app is the folder Partnerdesk owns inside each XDG base directory.
const app = "partnerdesk"

// Config is $XDG_CONFIG_HOME/partnerdesk: the profiles file and its lock.
// It is "" when neither XDG_CONFIG_HOME nor the home directory is known.
func Config() string {
	if xdg.ConfigHome == "" {
		return ""
	}
	return filepath.Join(xdg.ConfigHome, app)
}

// Data is $XDG_DATA_HOME/partnerdesk: the sign-in window's web data and the
// sandbox's key and remembered approvals.
func Data() string { return filepath.Join(xdg.DataHome, app) }

// WebData is where the sign-in window keeps one profile's provider cookies
// and storage: $XDG_DATA_HOME/partnerdesk/webdata/<profile-id>.
func WebData(profileID string) string { return filepath.Join(Data(), "webdata", profileID) }

// SandboxKey is the installation's sandbox key file.
func SandboxKey() string { return filepath.Join(Data(), "sandbox.key") }

// Cache is $XDG_CACHE_HOME/partnerdesk: API results, one folder per profile.
func Cache() string { return filepath.Join(xdg.CacheHome, app) }

// ProfileCache is where one profile's cached API results live.
func ProfileCache(profileID string) string { return filepath.Join(Cache(), profileID) }

// State is $XDG_STATE_HOME/partnerdesk: the log.
func State() string { return filepath.Join(xdg.StateHome, app) }

// Locks is where the app and the commands take the locks they share, such
// as the one that lets a single process renew a profile's token at a time
// (internal/credential): $XDG_STATE_HOME/partnerdesk/locks.
func Locks() string { return filepath.Join(State(), "locks") }

// All are Partnerdesk's folders, for leaving the computer clean.
func All() []string { return []string{Data(), Cache(), State(), Config()} }
