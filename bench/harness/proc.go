package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// memory is what a process tree holds in RAM, in KiB.
type memory struct {
	PSS, RSS int64
	Procs    []string // "command PSS-in-MiB" of each process, for the notes
}

func (m memory) pssMiB() float64 { return float64(m.PSS) / 1024 }
func (m memory) rssMiB() float64 { return float64(m.RSS) / 1024 }

// parents maps every running pid to its parent's.
func parents() map[int]int {
	out := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(f[1]); err == nil {
			out[pid] = pp
		}
	}
	return out
}

// tree is root and all its descendants that are running now.
func tree(root int) []int {
	pp := parents()
	children := map[int][]int{}
	for pid, parent := range pp {
		children[parent] = append(children[parent], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if _, alive := pp[pid]; !alive {
			continue
		}
		out = append(out, pid)
		queue = append(queue, children[pid]...)
	}
	return out
}

// treeMemory sums PSS and RSS over a process and all its descendants
// (the app and its WebKit web and network processes).
func treeMemory(root int) (memory, error) {
	var m memory
	for _, pid := range tree(root) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
		if err != nil {
			continue // exited meanwhile
		}
		var pss int64
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			v, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "Pss:":
				m.PSS += v
				pss += v
			case "Rss:":
				m.RSS += v
			}
		}
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		m.Procs = append(m.Procs, fmt.Sprintf("%s %.0f", strings.TrimSpace(string(comm)), float64(pss)/1024))
	}
	if len(m.Procs) == 0 {
		return m, errors.New("the process tree is gone")
	}
	return m, nil
}

// running is one started app.
type running struct {
	cmd     *exec.Cmd
	t0      time.Time // just before exec
	ready   string    // the file FrontendReady writes
	stderr  *bytes.Buffer
	done    chan struct{}
	stopped func() // tells atExit that stop ran
}

// start launches bin in its own process group with env, timing from just
// before exec.
func start(bin string, env []string, readyFile string, args ...string) (*running, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(env, "PARTNERDESK_BENCH_READY_FILE="+readyFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	r := &running{cmd: cmd, ready: readyFile, stderr: &stderr, done: make(chan struct{})}
	r.t0 = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(r.done) }()
	running := true
	atExit = append(atExit, func() {
		if running {
			r.stop()
		}
	})
	r.stopped = func() { running = false }
	return r, nil
}

// waitReady waits for the ready file and returns the time from exec to the
// frontend's ready call, from the wall clock the app wrote.
func (r *running) waitReady(within time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			return 0, fmt.Errorf("%s exited before it was ready:\n%s", r.cmd.Path, tail(r.stderr.String()))
		default:
		}
		if b, err := os.ReadFile(r.ready); err == nil && bytes.HasSuffix(b, []byte("\n")) {
			for _, f := range strings.Fields(string(b)) {
				if v, ok := strings.CutPrefix(f, "unix_ns="); ok {
					ns, err := strconv.ParseInt(v, 10, 64)
					if err != nil {
						return 0, fmt.Errorf("bad ready file %q", b)
					}
					return time.Unix(0, ns).Sub(r.t0), nil
				}
			}
			return 0, fmt.Errorf("bad ready file %q", b)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s was not ready within %s:\n%s", r.cmd.Path, within, tail(r.stderr.String()))
}

// stop ends the app and every process it started, and waits until they are
// all gone so that the next run starts on a quiet machine.
func (r *running) stop() {
	r.stopped()
	pids := tree(r.cmd.Process.Pid)
	pgid := r.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-r.done
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// alive is whether pid runs and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && !strings.HasPrefix(strings.TrimSpace(s[i+1:]), "Z")
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
