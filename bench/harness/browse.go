package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"partnerdesk/e2e/atspi"
	"partnerdesk/internal/partnerapi"
)

// browseRows measures Browse, Zaps, Load all in the real app, through its
// accessibility tree as an operator's screen reader sees it, for 1,000 and
// 10,000 sandbox Zaps: the time from pressing Load all to the count
// reading "N rows", and the PSS of the app and its WebKit processes before,
// once loaded, 10 s after moving to another list, and after coming back.
// Beside them, in the same run and against the same sandbox: `partnerdesk
// api /v1/zaps --paginate` and the Go side's own fetch plus row building.
func (b *bench) browseRows(t *table) {
	if b.browseRuns <= 0 {
		return
	}
	bus, err := atspi.Connect()
	if err != nil {
		t.add(row{name: "Browse: Load all", pd: "no accessibility bus: " + err.Error(), verdict: "FAILED"})
		return
	}
	defer bus.Close()
	bus.Poll = 20 * time.Millisecond
	for _, n := range []int{1000, 10000} {
		b.browseOne(t, bus, n)
	}
}

type browseSample struct {
	load                            time.Duration
	before, loaded, moved, returned memory
}

func (b *bench) browseOne(t *table, bus *atspi.Bus, zaps int) {
	base := b.sandboxArgs("auto", "--zaps", fmt.Sprint(zaps))
	env := b.dirs()
	b.addProfile(env, base)
	login := exec.Command(b.cli0(), "login", "--profile", "bench", "--timeout", "60s")
	login.Env = env
	if out, err := login.CombinedOutput(); err != nil {
		fatal(fmt.Sprintf("login for the browse bench: %v\n%s", err, out))
	}
	cacheHome := envValue(env, "XDG_CACHE_HOME")

	var samples []browseSample
	for i := 0; i < b.browseRuns; i++ {
		os.RemoveAll(filepath.Join(cacheHome, "partnerdesk")) // every run loads from Zapier, none from a saved copy
		s, err := b.browseRun(bus, env, zaps)
		if err != nil {
			logf("browse %d zaps, run %d: %v", zaps, i+1, err)
			continue
		}
		samples = append(samples, s)
		logf("browse %d zaps %d/%d: Load all %.0f ms; PSS %.1f → %.1f, moved on %.1f, back %.1f MiB", zaps, i+1, b.browseRuns,
			ms(s.load), s.before.pssMiB(), s.loaded.pssMiB(), s.moved.pssMiB(), s.returned.pssMiB())
	}
	what := fmt.Sprintf("%s Zaps", groupDigits(zaps))
	if len(samples) == 0 {
		t.add(row{name: "Browse, " + what + ": Load all", pd: "failed (see the log above)", verdict: "FAILED"})
		return
	}
	col := func(f func(browseSample) float64) float64 {
		var v []float64
		for _, s := range samples {
			v = append(v, f(s))
		}
		return median(v)
	}
	load := col(func(s browseSample) float64 { return ms(s.load) })
	grow := col(func(s browseSample) float64 { return s.loaded.pssMiB() - s.before.pssMiB() })
	held := col(func(s browseSample) float64 { return s.moved.pssMiB() - s.before.pssMiB() })
	back := col(func(s browseSample) float64 { return s.returned.pssMiB() - s.before.pssMiB() })
	runs := fmt.Sprintf("median of %d", len(samples))

	api := b.apiPaginate(env, 3)
	goSide := goFetchAndRows(env, b.cli0(), base, 3)
	target, verdictText := "report", "reported"
	if zaps == 10000 {
		target = "≤ api --paginate, ≤ 1.5× Go fetch + rows"
		verdictText = verdict(load <= api && load <= 1.5*goSide)
	}
	t.add(row{name: fmt.Sprintf("Browse, %s: Load all pressed → \"%s rows\" shown, ms", what, groupDigits(zaps)),
		pd: fmt.Sprintf("%.0f (api --paginate %.0f; Go fetch + rows %.0f)", load, api, goSide), target: target, verdict: verdictText, runs: runs})
	target, verdictText = "report", "reported"
	if zaps == 10000 {
		target = "≤ +45 MiB loaded; ≤ +10 MiB 10 s after moving on"
		verdictText = verdict(grow <= 45 && held <= 10)
	}
	t.add(row{name: fmt.Sprintf("Browse, %s: PSS of the app and its WebKit processes, MiB", what),
		pd:     fmt.Sprintf("%.1f before; %+.1f loaded; %+.1f 10 s after another list; %+.1f back", samples[len(samples)-1].before.pssMiB(), grow, held, back),
		target: target, verdict: verdictText, runs: runs})
	last := samples[len(samples)-1]
	t.note("Browse, %s, last run, PSS in MiB: before %s; loaded %s; moved on %s.", what,
		strings.Join(last.before.Procs, ", "), strings.Join(last.loaded.Procs, ", "), strings.Join(last.moved.Procs, ", "))
}

// countRE is the table's row count once every row is in ("10,000 rows").
func countRE(zaps int) *regexp.Regexp {
	return regexp.MustCompile(`(^|\W)` + strings.ReplaceAll(groupDigits(zaps), ",", "[,.\u00a0\u202f ]?") + ` rows`)
}

func (b *bench) browseRun(bus *atspi.Bus, env []string, zaps int) (browseSample, error) {
	var s browseSample
	r, err := start(b.app, env, b.readyFile())
	if err != nil {
		return s, err
	}
	defer r.stop()
	if _, err := r.waitReady(60 * time.Second); err != nil {
		return s, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	app, err := bus.AppOf(ctx, r.cmd.Process.Pid, "partnerdesk")
	if err != nil {
		return s, err
	}
	press := func(role, name string) error {
		n, err := bus.Find(ctx, app, role, name)
		if err != nil {
			return err
		}
		return bus.Press(n)
	}
	waitText := func(re *regexp.Regexp) error {
		for ctx.Err() == nil {
			if re.MatchString(bus.WindowText(app)) {
				return nil
			}
			time.Sleep(bus.Poll)
		}
		return fmt.Errorf("no %q on the page", re)
	}
	if err := press("page tab", "Browse"); err != nil {
		return s, err
	}
	if err := press("push button", "Zaps"); err != nil {
		return s, err
	}
	firstPage := regexp.MustCompile(`[0-9] of [0-9.,\s]+ loaded`)
	if err := waitText(firstPage); err != nil {
		return s, err
	}
	// The count is found once, then its text alone is read every 20 ms:
	// walking the whole tree that often keeps the web process's main thread,
	// where WebKit answers the accessibility bus and the page runs, busy
	// with the measurement, and delays the rows it measures.
	count := countNode(bus, app, firstPage)
	waitCount := func(re *regexp.Regexp) error {
		for i := 0; ctx.Err() == nil; i++ {
			if count != nil && re.MatchString(bus.Text(*count)) {
				return nil
			}
			// Once a second the whole tree, in case the count was made anew.
			if (count == nil || i%50 == 49) && re.MatchString(bus.WindowText(app)) {
				return nil
			}
			time.Sleep(bus.Poll)
		}
		return fmt.Errorf("no %q on the page", re)
	}
	time.Sleep(b.idle)
	if s.before, err = treeMemory(r.cmd.Process.Pid); err != nil {
		return s, err
	}

	loadAll, err := bus.Find(ctx, app, "push button", "Load all")
	if err != nil {
		return s, err
	}
	t0 := time.Now()
	if err := bus.Press(loadAll); err != nil {
		return s, err
	}
	if err := waitCount(countRE(zaps)); err != nil {
		return s, err
	}
	s.load = time.Since(t0)
	time.Sleep(b.idle)
	if s.loaded, err = treeMemory(r.cmd.Process.Pid); err != nil {
		return s, err
	}

	if err := press("push button", "Categories"); err != nil {
		return s, err
	}
	time.Sleep(10 * time.Second)
	if s.moved, err = treeMemory(r.cmd.Process.Pid); err != nil {
		return s, err
	}
	if err := press("push button", "Zaps"); err != nil {
		return s, err
	}
	if err := waitText(countRE(zaps)); err != nil {
		return s, err
	}
	time.Sleep(b.idle)
	s.returned, err = treeMemory(r.cmd.Process.Pid)
	return s, err
}

// countNode is the node of the table's row count, the one whose text
// matches re (the deepest, should its parents' text hold it too); nil when
// none does.
func countNode(bus *atspi.Bus, app atspi.Node, re *regexp.Regexp) *atspi.Node {
	var found *atspi.Node
	for _, n := range bus.Walk(app) {
		if re.MatchString(n.Text) || re.MatchString(n.Name) {
			found = &n
		}
	}
	return found
}

// apiPaginate is the median wall time of `partnerdesk api /v1/zaps
// --paginate` (fetching and printing every Zap), in ms.
func (b *bench) apiPaginate(env []string, runs int) float64 {
	var times []float64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(b.cli0(), "api", "/v1/zaps", "--profile", "bench", "--paginate")
		cmd.Env = env
		t0 := time.Now()
		if out, err := cmd.Output(); err != nil || len(out) == 0 {
			fatal(fmt.Sprintf("api --paginate: %v", err))
		}
		times = append(times, ms(time.Since(t0)))
	}
	return median(times)
}

// goFetchAndRows is the Go side alone: every page of /v1/zaps fetched with
// the profile's token and each item turned into a table row, as the app
// does before anything reaches the page; the median of runs, in ms.
func goFetchAndRows(env []string, cli, base string, runs int) float64 {
	cmd := exec.Command(cli, "token", "--profile", "bench")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		fatal(fmt.Sprintf("partnerdesk token: %v", err))
	}
	c := &partnerapi.Client{BaseURL: base, Token: strings.TrimSpace(string(out))}
	ep, _ := partnerapi.EndpointByID("v1/zaps")
	var times []float64
	for i := 0; i < runs; i++ {
		t0 := time.Now()
		err := c.List(context.Background(), ep, partnerapi.ListOptions{All: true}, func(p partnerapi.Page) error {
			for _, it := range p.Items {
				ep.Row(it)
			}
			return nil
		})
		if err != nil {
			fatal(fmt.Sprintf("the Go side's fetch: %v", err))
		}
		times = append(times, ms(time.Since(t0)))
	}
	return median(times)
}

// cli0 is the command to run subcommands with: the CGO-free command when
// there is one beside the app, else the app binary itself.
func (b *bench) cli0() string {
	if b.command != "" {
		return b.command
	}
	return b.app
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

func groupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
