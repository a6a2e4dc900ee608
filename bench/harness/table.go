package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"
)

type row struct {
	name, pd, bare, ratio, target, verdict, runs string
}

type table struct {
	rows  []row
	notes []string
}

func (t *table) add(r row) { t.rows = append(t.rows, r) }

func (t *table) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

// paired adds a row measured on both apps in alternation: medians of each,
// and the median of the per-pair ratios (the machine is noisy: a pair ran
// back to back, so its ratio cancels most of the drift).
func (t *table) paired(name, runs string, pd, bare []float64, format string, limit float64, target string) {
	ratios := make([]float64, len(pd))
	for i := range pd {
		ratios[i] = pd[i] / bare[i]
	}
	r := median(ratios)
	verdict := "ok"
	if r > limit {
		verdict = "MISSES"
	}
	t.add(row{
		name: name, pd: fmt.Sprintf(format, median(pd)), bare: fmt.Sprintf(format, median(bare)),
		ratio: fmt.Sprintf("%.2f×", r), target: target, verdict: verdict, runs: runs,
	})
}

// limit adds a row with an absolute target: ok when value <= max.
func (t *table) limit(name, value string, v, max float64, target, runs string) {
	verdict := "ok"
	if v > max {
		verdict = "MISSES"
	}
	t.add(row{name: name, pd: value, target: target, verdict: verdict, runs: runs})
}

func (t *table) render(c config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Partnerdesk vs a bare Wails v2.15.0 app (%s, %s, %d cores, Xvfb)\n\n",
		time.Now().Format("2006-01-02 15:04"), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU())
	b.WriteString("| Measure | Partnerdesk | bare Wails | Partnerdesk / bare | Target | Verdict | Runs |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	dash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	for _, r := range t.rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n",
			r.name, dash(r.pd), dash(r.bare), dash(r.ratio), dash(r.target), dash(r.verdict), dash(r.runs))
	}
	if len(t.notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
