//go:build !linux

package loopback

import "syscall"

var syscallEADDRINUSE error = syscall.EADDRINUSE

// portOwner cannot tell on this system.
func portOwner(int) string { return "" }
