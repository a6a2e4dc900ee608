//go:build !linux

package windowproc

import "syscall"

// childAttr: elsewhere the closed stdin is what tells the window process
// that the command is gone.
func childAttr() *syscall.SysProcAttr { return nil }
