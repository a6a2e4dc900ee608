package main

import (
	"os"
	"syscall"
)

// attachConsole lets the command line print in the console it was started
// from. The Windows build is a windowed program (-H windowsgui), which
// Windows starts without a console: without this, `partnerdesk token` in a
// Command Prompt would print nothing. Redirected output keeps its handles.
func attachConsole() {
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return // started from Explorer, or no parent console
	}
	reopen := func(std int, name string, mode int) *os.File {
		if h, err := syscall.GetStdHandle(std); err == nil && h != 0 && h != syscall.InvalidHandle {
			return nil // already redirected to a file or a pipe
		}
		h, err := syscall.Open(name, mode, 0)
		if err != nil {
			return nil
		}
		return os.NewFile(uintptr(h), name)
	}
	if f := reopen(syscall.STD_OUTPUT_HANDLE, "CONOUT$", syscall.O_RDWR); f != nil {
		os.Stdout = f
	}
	if f := reopen(syscall.STD_ERROR_HANDLE, "CONOUT$", syscall.O_RDWR); f != nil {
		os.Stderr = f
	}
	if f := reopen(syscall.STD_INPUT_HANDLE, "CONIN$", syscall.O_RDWR); f != nil {
		os.Stdin = f
	}
}
