//go:build !windows

package main

// attachConsole does nothing: elsewhere a command-line program has its
// terminal already.
func attachConsole() {}
