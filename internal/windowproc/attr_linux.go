package windowproc

import "syscall"

// childAttr has the kernel send the window process SIGTERM when the
// command that started it dies, whatever way it dies (kill -9 included);
// the closed stdin tells it too, but only once it reads.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
