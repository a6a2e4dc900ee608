//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package vault

// checkSessionBus has nothing to check where go-keyring does not use D-Bus.
func checkSessionBus() error { return nil }
