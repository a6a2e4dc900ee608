// Command harness takes the measurements of `make bench` and prints the
// table. scripts/bench.sh builds what it measures (Partnerdesk, a bare Wails
// app, a CGO-free build of the CLI) and runs it inside a throw-away desktop
// session (scripts/desktop-session.sh: Xvfb, openbox, an unlocked
// gnome-keyring, temp XDG directories).
//
// Everything runs on this machine: the sandbox provider listens on
// 127.0.0.1 only. Every loop is bounded in count and time.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type config struct {
	app, bare, cli           string // binaries
	command                  string // the command beside the app (partnerdesk), when it is its own binary
	browseRuns               int
	only                     string
	appDist, bareDist        string // built frontends
	pairs, signinRuns, login int
	idle                     time.Duration
	zapsFile, paintFile      string // colleagues' benchmark outputs
	renewFile                string // the credential package's renewal benchmarks
	out                      string
}

func main() {
	var c config
	flag.StringVar(&c.app, "app", "build/bin/partnerdesk-bench", "the Partnerdesk binary")
	flag.StringVar(&c.bare, "bare", "", "the bare Wails app binary")
	flag.StringVar(&c.cli, "cli", "", "a CGO-free build of Partnerdesk's CLI (optional)")
	flag.StringVar(&c.command, "command", "", "the partnerdesk command, when it is not the app binary (optional)")
	flag.IntVar(&c.browseRuns, "browse-runs", 3, "Load all runs in the real app, for each list size")
	flag.StringVar(&c.only, "only", "", `"browse": only the browse rows; "command": only the sign-in and command-line rows`)
	flag.StringVar(&c.appDist, "app-dist", "frontend/dist", "Partnerdesk's built frontend")
	flag.StringVar(&c.bareDist, "bare-dist", "", "the bare app's built frontend")
	flag.IntVar(&c.pairs, "pairs", 15, "start-up runs of each app, in alternation")
	flag.IntVar(&c.signinRuns, "signin-runs", 3, "runs with the sign-in window open")
	flag.IntVar(&c.login, "logins", 20, "partnerdesk login runs")
	flag.DurationVar(&c.idle, "idle", 3*time.Second, "how long after ready the idle memory is read")
	flag.StringVar(&c.zapsFile, "zaps", "", "output of the partnerapi Go benchmarks, if they ran")
	flag.StringVar(&c.paintFile, "paint", "", "output of the frontend table benchmark, if it ran")
	flag.StringVar(&c.renewFile, "renew", "", "output of internal/credential's renewal benchmarks (expired token to new token), if they ran")
	flag.StringVar(&c.out, "out", "", "also write the table here")
	flag.Parse()
	if os.Getenv("DISPLAY") == "" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		fatal("run me inside scripts/desktop-session.sh (no DISPLAY or session bus)")
	}
	for _, p := range []*string{&c.app, &c.bare, &c.cli, &c.command} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				fatal(err.Error())
			}
			*p = abs
		}
	}
	work, err := os.MkdirTemp("", "partnerdesk-bench.")
	if err != nil {
		fatal(err.Error())
	}
	b := &bench{config: c, work: work}
	atExit = append(atExit, func() { os.RemoveAll(work) }, b.cleanup)
	defer runAtExit()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() { fatal(fmt.Sprintf("stopped by %v", <-signals)) }()

	var t table
	switch c.only {
	case "command":
		b.loginAndToken(&t)
	case "browse":
		b.browseRows(&t)
	default:
		b.startAndIdle(&t)
		b.signinWindow(&t)
		b.sizes(&t)
		b.loginAndToken(&t)
		b.colleagues(&t)
		b.browseRows(&t)
	}

	text := t.render(c)
	fmt.Print(text)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(text), 0o644); err != nil {
			fatal(err.Error())
		}
	}
}

// atExit runs, last first, when the harness ends, fatal included: nothing
// it started may outlive it.
var atExit []func()

func runAtExit() {
	for i := len(atExit) - 1; i >= 0; i-- {
		atExit[i]()
	}
	atExit = nil
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	runAtExit()
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

type bench struct {
	config
	work      string
	n         int
	sandboxes []*exec.Cmd
}

func (b *bench) cleanup() {
	for _, s := range b.sandboxes {
		s.Process.Kill()
		s.Wait()
	}
}

// dirs makes fresh XDG directories (a cold profile) and returns the
// environment that points at them.
func (b *bench) dirs() []string {
	b.n++
	root := filepath.Join(b.work, fmt.Sprintf("op%03d", b.n))
	env := os.Environ()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		d := filepath.Join(root, strings.ToLower(strings.TrimPrefix(k, "XDG_")))
		if err := os.MkdirAll(d, 0o700); err != nil {
			fatal(err.Error())
		}
		env = append(env, k+"="+d)
	}
	return env
}

func (b *bench) readyFile() string {
	b.n++
	return filepath.Join(b.work, fmt.Sprintf("ready%03d", b.n))
}

// sandbox starts `partnerdesk sandbox` on 127.0.0.1 and returns its base URL.
func (b *bench) sandbox(approve string) string { return b.sandboxArgs(approve) }

// sandboxArgs is sandbox with more of its flags (--zaps N).
func (b *bench) sandboxArgs(approve string, more ...string) string {
	cmd := exec.Command(b.cli0(), append([]string{"sandbox", "--addr", "127.0.0.1:0", "--approve", approve}, more...)...)
	cmd.Env = b.dirs()
	out, err := cmd.StdoutPipe()
	if err != nil {
		fatal(err.Error())
	}
	if err := cmd.Start(); err != nil {
		fatal(err.Error())
	}
	b.sandboxes = append(b.sandboxes, cmd)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fatal("the sandbox printed no URL: " + err.Error())
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		fatal("the sandbox is not on 127.0.0.1: " + base)
	}
	return base
}

// addProfile adds the profile "bench" signing in at the sandbox base.
func (b *bench) addProfile(env []string, base string) {
	cmd := exec.Command(b.cli0(), "profile", "add", "bench", "--client-id", "partnerdesk-sandbox",
		"--redirect-uri", "https://partner.invalid/oauth/callback",
		"--authorize-url", base+"/oauth/authorize/", "--api-base", base, "--scope", "profile zap")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		fatal(fmt.Sprintf("profile add: %v\n%s", err, out))
	}
}

// startAndIdle starts each app pairs times, alternating which goes first,
// with a cold profile each time: time to the frontend's ready call, then the
// memory of the whole process tree after it idled.
func (b *bench) startAndIdle(t *table) {
	type sample struct {
		start time.Duration
		mem   memory
	}
	run := func(bin string) sample {
		r, err := start(bin, b.dirs(), b.readyFile())
		if err != nil {
			fatal(err.Error())
		}
		defer r.stop()
		d, err := r.waitReady(60 * time.Second)
		if err != nil {
			fatal(err.Error())
		}
		time.Sleep(b.idle)
		m, err := treeMemory(r.cmd.Process.Pid)
		if err != nil {
			fatal(err.Error())
		}
		return sample{d, m}
	}
	logf("warming up (one untimed start of each app)")
	run(b.app)
	run(b.bare)
	var pd, bare []sample
	for i := 0; i < b.pairs; i++ {
		var p, q sample
		if i%2 == 0 {
			p, q = run(b.app), run(b.bare)
		} else {
			q, p = run(b.bare), run(b.app)
		}
		pd, bare = append(pd, p), append(bare, q)
		logf("pair %d/%d: start %.0f / %.0f ms, PSS %.1f / %.1f MiB (Partnerdesk / bare)",
			i+1, b.pairs, ms(p.start), ms(q.start), p.mem.pssMiB(), q.mem.pssMiB())
	}
	col := func(s []sample, f func(sample) float64) []float64 {
		out := make([]float64, len(s))
		for i := range s {
			out[i] = f(s[i])
		}
		return out
	}
	startF := func(s sample) float64 { return ms(s.start) }
	pssF := func(s sample) float64 { return s.mem.pssMiB() }
	rssF := func(s sample) float64 { return s.mem.rssMiB() }
	procs := func(s []sample) string {
		return fmt.Sprintf("%d (%s)", len(s[len(s)-1].mem.Procs), strings.Join(s[len(s)-1].mem.Procs, ", "))
	}
	n := fmt.Sprintf("median of %d, alternating", b.pairs)
	t.paired("Cold start to interactive (exec → frontend's ready call), ms", n, col(pd, startF), col(bare, startF), "%.0f", 1.2, "≤ 1.2× bare")
	t.paired(fmt.Sprintf("Idle memory %s after ready, PSS of all processes, MiB", b.idle), n, col(pd, pssF), col(bare, pssF), "%.1f", 1.2, "≤ 1.2× bare")
	t.paired(fmt.Sprintf("Idle memory %s after ready, RSS of all processes, MiB", b.idle), n, col(pd, rssF), col(bare, rssF), "%.1f", 1.2, "≤ 1.2× bare")
	t.note("Processes and their PSS in MiB (last run): Partnerdesk %s; bare %s.", procs(pd), procs(bare))
}

// signinWindow opens Partnerdesk's sign-in window on a sandbox in ask mode
// (it waits on the consent page) and reads the memory of all processes.
func (b *bench) signinWindow(t *table) {
	if b.signinRuns <= 0 {
		return
	}
	base := b.sandbox("ask")
	var before, open []memory
	for i := 0; i < b.signinRuns; i++ {
		env := b.dirs()
		b.addProfile(env, base)
		m0, m1, err := b.oneSigninWindow(env)
		if err != nil {
			logf("sign-in window run %d: %v", i+1, err)
			continue
		}
		before, open = append(before, m0), append(open, m1)
		logf("sign-in window %d/%d: PSS %.1f → %.1f MiB", i+1, b.signinRuns, m0.pssMiB(), m1.pssMiB())
	}
	if len(open) == 0 {
		t.add(row{name: "With the sign-in window open, PSS of all processes, MiB", pd: "failed (see the log above)", target: "report", verdict: "FAILED"})
		return
	}
	var pss, rss, dpss, drss []float64
	for i := range open {
		pss = append(pss, open[i].pssMiB())
		rss = append(rss, open[i].rssMiB())
		dpss = append(dpss, open[i].pssMiB()-before[i].pssMiB())
		drss = append(drss, open[i].rssMiB()-before[i].rssMiB())
	}
	n := fmt.Sprintf("median of %d", len(open))
	t.add(row{name: "With the sign-in window open (consent page shown), PSS of all processes, MiB",
		pd: fmt.Sprintf("%.1f (+%.1f for the window)", median(pss), median(dpss)), target: "report (its WebKit processes ≈ 110 MiB)", verdict: "reported", runs: n})
	t.add(row{name: "With the sign-in window open, RSS of all processes, MiB",
		pd: fmt.Sprintf("%.1f (+%.1f)", median(rss), median(drss)), target: "report", verdict: "reported", runs: n})
	last := open[len(open)-1]
	t.note("Processes with the sign-in window open, PSS in MiB (last run): %d (%s).", len(last.Procs), strings.Join(last.Procs, ", "))
}

func (b *bench) oneSigninWindow(env []string) (before, open memory, err error) {
	r, err := start(b.app, env, b.readyFile())
	if err != nil {
		return before, open, err
	}
	defer r.stop()
	if _, err := r.waitReady(60 * time.Second); err != nil {
		return before, open, err
	}
	time.Sleep(b.idle)
	if before, err = treeMemory(r.cmd.Process.Pid); err != nil {
		return before, open, err
	}
	mainWin, err := waitWindow("^Partnerdesk$", 20*time.Second)
	if err != nil {
		return before, open, err
	}
	// Ctrl+Enter is the profile card's Sign in.
	var signin string
	deadline := time.Now().Add(30 * time.Second)
	for signin == "" && time.Now().Before(deadline) {
		key(mainWin, "ctrl+Return")
		signin, _ = waitWindow("Partnerdesk sign-in", 2*time.Second)
	}
	if signin == "" {
		return before, open, fmt.Errorf("the sign-in window did not open")
	}
	deadline = time.Now().Add(20 * time.Second)
	for !strings.Contains(windowName(signin), "127.0.0.1") {
		if time.Now().After(deadline) {
			return before, open, fmt.Errorf("the consent page did not load")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(b.idle)
	open, err = treeMemory(r.cmd.Process.Pid)
	return before, open, err
}

func waitWindow(pattern string, within time.Duration) (string, error) {
	deadline := time.Now().Add(within)
	for {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern).Output()
		if ids := strings.Fields(string(out)); err == nil && len(ids) > 0 {
			return ids[0], nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no window %q within %s", pattern, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func windowName(id string) string {
	out, _ := exec.Command("xdotool", "getwindowname", id).Output()
	return strings.TrimSpace(string(out))
}

func key(window string, keys ...string) {
	exec.Command("xdotool", "windowactivate", "--sync", window).Run()
	exec.Command("xdotool", append([]string{"key", "--clearmodifiers"}, keys...)...).Run()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
