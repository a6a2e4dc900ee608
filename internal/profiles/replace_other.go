//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package profiles

import "os"

// Partnerdesk ships for Linux, Windows and macOS. Elsewhere the package
// builds with a plain rename and no directory flush; Update refuses to
// write there anyway, as internal/filelock cannot lock.
func replaceFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func syncDir(string) error { return nil }
