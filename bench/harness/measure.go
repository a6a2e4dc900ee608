package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// sizes: the binaries stripped, and the built frontends' JS and CSS gzipped.
func (b *bench) sizes(t *table) {
	pd, err := strippedSize(b.app, b.work)
	if err != nil {
		fatal(err.Error())
	}
	bare, err := strippedSize(b.bare, b.work)
	if err != nil {
		fatal(err.Error())
	}
	t.add(row{
		name: "Binary, stripped, MB (MiB)",
		pd:   fmt.Sprintf("%.1f (%.1f)", float64(pd)/1e6, float64(pd)/(1<<20)),
		bare: fmt.Sprintf("%.1f (%.1f)", float64(bare)/1e6, float64(bare)/(1<<20)), ratio: fmt.Sprintf("%.2f×", float64(pd)/float64(bare)),
		target: "≤ 15 MB", verdict: verdict(float64(pd) <= 15e6),
	})
	if b.cli != "" {
		if cli, err := strippedSize(b.cli, b.work); err == nil {
			t.note("A CGO-free build of the same CLI (no GUI, no sign-in window): %.1f MB stripped.", float64(cli)/1e6)
		}
	}
	pdJS, pdJSgz := gzipped(b.appDist, ".js")
	bareJS, bareJSgz := gzipped(b.bareDist, ".js")
	t.add(row{
		name:   "Frontend JS, gzipped (raw), kB",
		pd:     fmt.Sprintf("%.1f (%.1f)", float64(pdJSgz)/1e3, float64(pdJS)/1e3),
		bare:   fmt.Sprintf("%.1f (%.1f)", float64(bareJSgz)/1e3, float64(bareJS)/1e3),
		target: "≤ 60 kB gzipped", verdict: verdict(float64(pdJSgz) <= 60e3),
	})
	pdCSS, pdCSSgz := gzipped(b.appDist, ".css")
	bareCSS, bareCSSgz := gzipped(b.bareDist, ".css")
	t.add(row{
		name:   "Frontend CSS, gzipped (raw), kB",
		pd:     fmt.Sprintf("%.1f (%.1f)", float64(pdCSSgz)/1e3, float64(pdCSS)/1e3),
		bare:   fmt.Sprintf("%.1f (%.1f)", float64(bareCSSgz)/1e3, float64(bareCSS)/1e3),
		target: "report", verdict: "reported",
	})
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSES"
}

func strippedSize(bin, work string) (int64, error) {
	cp := filepath.Join(work, filepath.Base(bin)+".stripped")
	src, err := os.ReadFile(bin)
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(cp, src, 0o755); err != nil {
		return 0, err
	}
	if out, err := exec.Command("strip", cp).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("strip %s: %v\n%s", bin, err, out)
	}
	st, err := os.Stat(cp)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// gzipped sums the raw and gzip -9 sizes of the files ending in ext under dir.
func gzipped(dir, ext string) (raw, gz int64) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ext) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(data)
		w.Close()
		raw += int64(len(data))
		gz += int64(buf.Len())
		return nil
	})
	return raw, gz
}

var storedRE = regexp.MustCompile(`redirect_to_stored_ms=([0-9.eE+-]+)\s+keychain_ms=([0-9.eE+-]+)`)

// loginAndToken signs in login times against an auto-approving sandbox
// (the sign-in window opens, the sandbox redirects at once) and reads the
// debug line of internal/signin; then times `partnerdesk token`.
func (b *bench) loginAndToken(t *table) {
	base := b.sandbox("auto")
	env := b.dirs()
	b.addProfile(env, base)
	debugEnv := append(append([]string(nil), env...), "PARTNERDESK_DEBUG=1")
	var total, keychain, besides, wall []float64
	for i := 0; i < b.login; i++ {
		cmd := exec.Command(b.cli0(), "login", "--profile", "bench", "--force", "--timeout", "60s")
		cmd.Env = debugEnv
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		d := time.Since(t0)
		if err != nil {
			fatal(fmt.Sprintf("login %d: %v\n%s", i+1, err, stderr.String()))
		}
		m := storedRE.FindStringSubmatch(stderr.String())
		if m == nil {
			fatal("login printed no redirect_to_stored_ms debug line (is internal/signin's slog.Debug there?):\n" + stderr.String())
		}
		tot, _ := strconv.ParseFloat(m[1], 64)
		kc, _ := strconv.ParseFloat(m[2], 64)
		total, keychain, besides, wall = append(total, tot), append(keychain, kc), append(besides, tot-kc), append(wall, ms(d))
	}
	n := fmt.Sprintf("median of %d", b.login)
	t.limit("Provider redirect → token stored in the keychain, besides the keychain, ms", fmt.Sprintf("%.2f", median(besides)), median(besides), 50, "≤ 50 ms", n)
	t.add(row{name: "… the keychain's own time (Secret Service, gnome-keyring), ms", pd: fmt.Sprintf("%.2f", median(keychain)), target: "shown apart", verdict: "reported", runs: n})
	t.add(row{name: "… redirect → stored in all, ms", pd: fmt.Sprintf("%.2f", median(total)), target: "report", verdict: "reported", runs: n})
	t.note("A whole `partnerdesk login` against the auto-approving sandbox (process start, sign-in window, redirect, keychain, profile, account check): median %.0f ms.", median(wall))

	b.commandRows(t, env)
}

// commandRows times the command line (the CGO-free command, which loads
// no GTK or WebKit) against its own `--version`, measured in the same run:
// `status --offline` and `profile list` at most 1.5 times it, and `token` at
// most 1.5 times it plus the keychain read, which has a row of its own.
func (b *bench) commandRows(t *table, env []string) {
	cli := b.cli0()
	out, err := run(env, cli, "token", "--profile", "bench")
	if err != nil || strings.TrimSpace(out) == "" {
		fatal(fmt.Sprintf("partnerdesk token after login: %v %q", err, out))
	}
	ver, how := timeCommand(env, b.work, cli, "--version")
	t.add(row{name: "`partnerdesk --version` (the command's start alone: the base of the rows below), ms", pd: fmt.Sprintf("%.1f", ver), target: "base", verdict: "reported", runs: how})
	for _, c := range []struct {
		name string
		args []string
	}{
		{"status --offline", []string{"status", "--profile", "bench", "--offline"}},
		{"profile list", []string{"profile", "list"}},
	} {
		d, how := timeCommand(env, b.work, cli, c.args...)
		t.limit(fmt.Sprintf("`partnerdesk %s` ÷ `--version`", c.name), fmt.Sprintf("%.2f× (%.1f ms)", d/ver, d), d/ver, 1.5, "≤ 1.5×", how)
	}
	kc, kcHow := keychainRead(env, cli)
	t.add(row{name: "… the keychain read alone (go-keyring Get of the token, in one process), ms", pd: fmt.Sprintf("%.1f", kc), target: "shown apart", verdict: "reported", runs: kcHow})
	tok, how := timeCommand(env, b.work, cli, "token", "--profile", "bench")
	t.limit("`partnerdesk token`, ms", fmt.Sprintf("%.1f (limit 1.5 × %.1f + %.1f = %.1f)", tok, ver, kc, 1.5*ver+kc), tok, 1.5*ver+kc, "≤ 1.5 × `--version` + keychain read", how)
	if s := ldStatistics(cli); s != "" {
		t.note("Before main(), the dynamic loader of `partnerdesk --version` maps %s (ldd, readelf, LD_DEBUG=statistics).", s)
	} else if out, _ := exec.Command("ldd", cli).CombinedOutput(); strings.Contains(string(out), "not a dynamic executable") {
		t.note("`partnerdesk` is not a dynamic executable (ldd): no shared object is loaded before main(). The app binary beside it links GTK and WebKit.")
	}
}

// keychainRead is the median time of reading the bench profile's token
// from the keychain with go-keyring, as the command does, in this process:
// the keychain's own share of `partnerdesk token`.
func keychainRead(env []string, cli string) (float64, string) {
	out, err := run(env, cli, "profile", "list", "--json")
	if err != nil {
		fatal(fmt.Sprintf("profile list --json: %v", err))
	}
	var list []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		fatal(fmt.Sprintf("profile list --json: %v", err))
	}
	id := ""
	for _, p := range list {
		if p.Name == "bench" {
			id = p.ID
		}
	}
	const warmup, runs = 3, 30
	var times []float64
	for i := 0; i < warmup+runs; i++ {
		t0 := time.Now()
		if _, err := keyring.Get("partnerdesk", id); err != nil {
			fatal(fmt.Sprintf("keychain read of %q: %v", id, err))
		}
		if i >= warmup {
			times = append(times, ms(time.Since(t0)))
		}
	}
	return median(times), fmt.Sprintf("median of %d", runs)
}

func run(env []string, bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.Output()
	return string(out), err
}

// timeCommand returns the median wall time of a command in ms, with
// hyperfine when it is there, and says how it was measured.
func timeCommand(env []string, work, bin string, args ...string) (float64, string) {
	const warmup, runs = 3, 30
	if hf, err := exec.LookPath("hyperfine"); err == nil {
		js := filepath.Join(work, "hyperfine.json")
		cmd := exec.Command(hf, "-N", "--warmup", strconv.Itoa(warmup), "--runs", strconv.Itoa(runs),
			"--style", "none", "--export-json", js, strings.Join(append([]string{bin}, args...), " "))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			fatal(fmt.Sprintf("hyperfine %s %v: %v\n%s", bin, args, err, out))
		}
		var res struct {
			Results []struct {
				Median float64 `json:"median"`
			} `json:"results"`
		}
		data, _ := os.ReadFile(js)
		if err := json.Unmarshal(data, &res); err != nil || len(res.Results) == 0 {
			fatal("hyperfine wrote no results")
		}
		return res.Results[0].Median * 1000, fmt.Sprintf("hyperfine, median of %d", runs)
	}
	var times []float64
	for i := 0; i < warmup+runs; i++ {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			fatal(fmt.Sprintf("%s %v: %v", bin, args, err))
		}
		if i >= warmup {
			times = append(times, ms(time.Since(t0)))
		}
	}
	return median(times), fmt.Sprintf("median of %d (no hyperfine)", runs)
}

// ldStatistics says what the dynamic loader does before main() for
// `bin --version`: how many shared objects it loads, how many of them ask
// for every symbol to be bound at load (BIND_NOW, Debian's hardening), and
// glibc's relocation counts (LD_DEBUG=statistics).
func ldStatistics(bin string) string {
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return ""
	}
	var libs, now int
	for _, line := range strings.Split(string(out), "\n") {
		_, path, ok := strings.Cut(line, "=> ")
		if !ok {
			continue
		}
		path, _, _ = strings.Cut(path, " (")
		libs++
		if d, err := exec.Command("readelf", "-d", path).Output(); err == nil && regexp.MustCompile(`FLAGS.*\bNOW\b`).Match(d) {
			now++
		}
	}
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "LD_DEBUG=statistics")
	var stderr bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, io.Discard
	if cmd.Run() != nil {
		return ""
	}
	find := func(label string) string {
		re := regexp.MustCompile(regexp.QuoteMeta(label) + `:\s*([0-9,]+)`)
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return strings.ReplaceAll(m[1], ",", "")
		}
		return "?"
	}
	return fmt.Sprintf("%d shared objects, %d of them BIND_NOW (all their symbols bound at exec); %s symbol relocations (%s from cache) and %s relative ones",
		libs, now, find("number of relocations"), find("number of relocations from cache"), find("number of relative relocations"))
}

var (
	benchLineRE = regexp.MustCompile(`^(Benchmark\S+)\s+\d+\s+([0-9.]+) ns/op`)
	paintLineRE = regexp.MustCompile(`(?im)^.*first[ _-]?paint.*$`)
	medianMsRE  = regexp.MustCompile(`median\s*([0-9.]+)\s*ms`)
	p95MsRE     = regexp.MustCompile(`p95\s*([0-9.]+)\s*ms`)
	anyMsRE     = regexp.MustCompile(`([0-9.]+)\s*ms|first_paint_ms=([0-9.]+)`)
)

// colleagues reads the outputs of the benchmarks other parts of the project
// own (scripts/bench.sh runs them when they exist).
func (b *bench) colleagues(t *table) {
	zaps := "n/a (not built yet)"
	runs := ""
	if data, ok := readIfRan(b.zapsFile); ok {
		zaps = "no result (see the go test -bench output above)"
		if found := benchFigures(data, "%.0f ms/op"); len(found) > 0 {
			zaps, runs = strings.Join(found, "; "), "go test -bench ./internal/partnerapi"
		}
	}
	t.add(row{name: "All 10,000 sandbox zaps fetched, 100 a page", pd: zaps, target: "report", verdict: "reported", runs: runs})

	renew := "n/a (not run)"
	runs = ""
	if data, ok := readIfRan(b.renewFile); ok {
		renew = "no result (see the go test -bench output above)"
		if found := benchFigures(data, "%.2f ms/op"); len(found) > 0 {
			renew, runs = strings.Join(found, "; "), "go test -tags keychain -bench ExpiredTokenToNewToken ./internal/credential"
		}
	}
	t.add(row{name: "Code grant: expired token to new token stored (token endpoint on 127.0.0.1, so besides the network)", pd: renew, target: "report", verdict: "reported", runs: runs})

	paint := "n/a (not built yet)"
	runs = ""
	if data, ok := readIfRan(b.paintFile); ok {
		paint = "no result (see the log above)"
		if line := paintLineRE.Find(data); line != nil {
			if m := medianMsRE.FindSubmatch(line); m != nil {
				paint, runs = "median "+string(m[1])+" ms", "frontend/scripts/bench-table.mjs, headless Chromium"
				if p := p95MsRE.FindSubmatch(line); p != nil {
					paint += ", p95 " + string(p[1]) + " ms"
				}
			} else if m := anyMsRE.FindSubmatch(line); m != nil {
				paint, runs = string(m[1])+string(m[2])+" ms", "frontend benchmark"
			}
		}
	}
	t.add(row{name: "First paint of the 10,000-row table", pd: paint, target: "report", verdict: "reported", runs: runs})
}

// benchFigures are the "Name figure" of each result line of go test -bench
// output, the ns/op turned into milliseconds with format.
func benchFigures(data []byte, format string) []string {
	var found []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := benchLineRE.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			ns, _ := strconv.ParseFloat(m[2], 64)
			found = append(found, fmt.Sprintf("%s "+format, strings.TrimPrefix(m[1], "Benchmark"), ns/1e6))
		}
	}
	return found
}

// readIfRan returns a benchmark's output, unless scripts/bench.sh found no
// such benchmark (no file, or an empty one).
func readIfRan(path string) ([]byte, bool) {
	if path == "" {
		return nil, false
	}
	data, err := os.ReadFile(path)
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return nil, false
	}
	return data, true
}
