package loopback

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

var syscallEADDRINUSE = syscall.EADDRINUSE

// portOwner names the program listening on a TCP port of this computer,
// from /proc, or "" when it cannot tell (another user's process, say).
func portOwner(port int) string {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			// local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the inode.
			if len(fields) < 10 || fields[3] != "0A" {
				continue
			}
			if i := strings.LastIndex(fields[1], ":"); i >= 0 && strings.EqualFold(fields[1][i+1:], fmt.Sprintf("%04X", port)) {
				inodes[fields[9]] = true
			}
		}
		f.Close()
	}
	if len(inodes) == 0 {
		return ""
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range procs {
		link, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			pid := strings.Split(fd, "/")[2]
			comm, err := os.ReadFile("/proc/" + pid + "/comm")
			if err != nil {
				return ""
			}
			return fmt.Sprintf("%s (process %s)", strings.TrimSpace(string(comm)), pid)
		}
	}
	return ""
}
