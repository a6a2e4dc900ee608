// Command testlog reads the event stream of `go test -json` for the Makefile.
//
//	go test -json ARGS | testlog show [-v]
//	testlog report MUST-RUN-FILE LOG...
//
// show prints what `go test` would have printed: every line with -v; without
// it, the output of the tests that failed and one line per package.
//
// report lists every test that skipped, with the reason it gave, and fails
// when a test named in MUST-RUN-FILE skipped or did not run. A LOG is the
// saved stream of one make target, named after it (build/test-logs/test-e2e.json).
//
// It does not run tests, and it judges only skips: a failing test has
// already failed the make target that ran it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "show":
		verbose := len(os.Args) > 2 && os.Args[2] == "-v"
		if err := show(os.Stdin, os.Stdout, verbose); err != nil {
			fmt.Fprintln(os.Stderr, "testlog:", err)
			os.Exit(1)
		}
	case "report":
		if len(os.Args) < 4 {
			usage()
		}
		ok, err := reportFiles(os.Stdout, os.Args[2], os.Args[3:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "testlog:", err)
			os.Exit(1)
		}
		if !ok {
			os.Exit(1)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go test -json ARGS | testlog show [-v]\n       testlog report MUST-RUN-FILE LOG...")
	os.Exit(2)
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// show copies the output in the stream to w: all of it when verbose, else
// only what go test prints without -v.
func show(r io.Reader, w io.Writer, verbose bool) error {
	held := map[[2]string][]string{} // package, test -> output not printed yet
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Action == "" {
			fmt.Fprintln(w, sc.Text()) // not an event: pass it on
			continue
		}
		if verbose {
			io.WriteString(w, e.Output)
			continue
		}
		key := [2]string{e.Package, e.Test}
		switch {
		case e.Action == "build-output":
			io.WriteString(w, e.Output)
		case e.Action == "output" && e.Test != "":
			if !strings.HasPrefix(strings.TrimSpace(e.Output), "=== ") {
				held[key] = append(held[key], e.Output)
			}
		case e.Action == "output":
			if e.Output != "PASS\n" && !strings.HasPrefix(e.Output, "=== ") {
				io.WriteString(w, e.Output)
			}
		case e.Test != "" && (e.Action == "pass" || e.Action == "skip"):
			delete(held, key)
		case e.Test != "" && e.Action == "fail":
			io.WriteString(w, strings.Join(held[key], ""))
			delete(held, key)
		case e.Test == "" && e.Action == "fail":
			// The test binary died (a panic, a time-out): show what its
			// unfinished tests printed.
			for k, lines := range held {
				if k[0] == e.Package {
					io.WriteString(w, strings.Join(lines, ""))
					delete(held, k)
				}
			}
		}
	}
	return sc.Err()
}

// result is what one test did in one log.
type result struct {
	log, pkg, test string
	action         string // "pass", "fail" or "skip"; "" while unfinished
	reason         string // for a skip: the last line it printed
}

// readLog returns the results of every test in one saved stream.
func readLog(name string, r io.Reader) ([]*result, error) {
	var order []*result
	byTest := map[[2]string]*result{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Test == "" {
			continue
		}
		key := [2]string{e.Package, e.Test}
		res := byTest[key]
		if res == nil {
			res = &result{log: name, pkg: e.Package, test: e.Test}
			byTest[key] = res
			order = append(order, res)
		}
		switch e.Action {
		case "output":
			line := strings.TrimSpace(e.Output)
			if line != "" && !strings.HasPrefix(line, "=== ") && !strings.HasPrefix(line, "--- ") {
				res.reason = line
			}
		case "pass", "fail", "skip":
			res.action = e.Action
		}
	}
	return order, sc.Err()
}

// helperReason starts the skip reason of a test that is only a helper
// process for another test: it always skips in the test run itself.
const helperReason = "runs only as a child of "

// mustRun is one line of the must-run file: a test (or, with test "", every
// test of a package) that the make target log has to run without a skip.
type mustRun struct {
	log, pkg, test string
	line           int
}

func readMustRun(r io.Reader) ([]mustRun, error) {
	var list []mustRun
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		switch len(f) {
		case 0:
		case 2:
			list = append(list, mustRun{log: f[0], pkg: f[1], line: n})
		case 3:
			list = append(list, mustRun{log: f[0], pkg: f[1], test: f[2], line: n})
		default:
			return nil, fmt.Errorf("line %d: want TARGET PACKAGE [TEST], got %q", n, line)
		}
	}
	return list, sc.Err()
}

// within says whether test is name or one of its subtests.
func within(test, name string) bool {
	return test == name || strings.HasPrefix(test, name+"/")
}

// check returns, for each must-run entry broken, why.
func check(list []mustRun, results []*result) []string {
	var broken []string
	for _, m := range list {
		what := m.pkg + " " + m.test
		if m.test == "" {
			what = "every test of " + m.pkg
		}
		ran, skipped := 0, []string{}
		for _, r := range results {
			if r.log != m.log || r.pkg != m.pkg || (m.test != "" && !within(r.test, m.test)) {
				continue
			}
			switch {
			case r.action == "skip" && !strings.Contains(r.reason, helperReason):
				skipped = append(skipped, r.test+" ("+r.reason+")")
			case r.action == "pass" || r.action == "fail":
				if r.test == m.test || (m.test == "" && !strings.Contains(r.test, "/")) {
					ran++
				}
			}
		}
		switch {
		case len(skipped) > 0:
			broken = append(broken, fmt.Sprintf("%s in %s must run, but skipped: %s", what, m.log, strings.Join(skipped, "; ")))
		case ran == 0:
			broken = append(broken, fmt.Sprintf("%s in %s must run, but did not run at all", what, m.log))
		}
	}
	return broken
}

// report prints the skipped tests and the must-run entries broken, and
// says whether none was.
func report(w io.Writer, list []mustRun, results []*result) bool {
	var skipped, helpers []string
	for _, r := range results {
		if r.action != "skip" {
			continue
		}
		if strings.Contains(r.reason, helperReason) {
			helpers = append(helpers, r.test)
			continue
		}
		skipped = append(skipped, fmt.Sprintf("  %s %s (%s): %s", r.pkg, r.test, r.log, r.reason))
	}
	sort.Strings(skipped)
	sort.Strings(helpers)
	fmt.Fprintf(w, "\nSkipped tests: %d\n", len(skipped))
	for _, s := range skipped {
		fmt.Fprintln(w, s)
	}
	if len(helpers) > 0 {
		fmt.Fprintf(w, "Also skipped, as they should be: %d helpers that run only as a child process of another test (%s).\n",
			len(helpers), strings.Join(helpers, ", "))
	}
	broken := check(list, results)
	if len(broken) == 0 {
		fmt.Fprintf(w, "Every test on the must-run list (%d entries) ran.\n", len(list))
		return true
	}
	fmt.Fprintf(w, "\nFAIL: %d of the %d must-run entries did not run:\n", len(broken), len(list))
	for _, b := range broken {
		fmt.Fprintln(w, "  "+b)
	}
	fmt.Fprintln(w, "Run these where they can (CI runs as root, with a display, a keychain and Chromium), or take them off the list with a reason.")
	return false
}

func reportFiles(w io.Writer, mustRunFile string, logs []string) (bool, error) {
	f, err := os.Open(mustRunFile)
	if err != nil {
		return false, err
	}
	defer f.Close()
	list, err := readMustRun(f)
	if err != nil {
		return false, fmt.Errorf("%s: %w", mustRunFile, err)
	}
	var results []*result
	for _, path := range logs {
		lf, err := os.Open(path)
		if os.IsNotExist(err) {
			continue // that target did not run: its must-run tests say so
		}
		if err != nil {
			return false, err
		}
		rs, err := readLog(strings.TrimSuffix(filepath.Base(path), ".json"), lf)
		lf.Close()
		if err != nil {
			return false, fmt.Errorf("%s: %w", path, err)
		}
		results = append(results, rs...)
	}
	return report(w, list, results), nil
}
