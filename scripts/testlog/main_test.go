package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// testdata/test-go.json is what `go test -json` printed for the tests in
// testdata/sample_test.go.txt: one passes, one fails, one skips with its
// reason, one is a helper that only runs as a child, and one has a subtest
// that skips.
func sampleResults(t *testing.T) []*result {
	t.Helper()
	f, err := os.Open("testdata/test-go.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	results, err := readLog("test-go", f)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

func TestShowPrintsWhatGoTestPrintsWithoutV(t *testing.T) {
	in, err := os.ReadFile("testdata/test-go.json")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := show(bytes.NewReader(in), &out, false); err != nil {
		t.Fatal(err)
	}
	want := "    s_test.go:10: broken\n--- FAIL: TestFails (0.00s)\nFAIL\nFAIL\tsample\t0.031s\n"
	if out.String() != want {
		t.Errorf("show printed\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	show(bytes.NewReader(in), &out, true)
	for _, line := range []string{"=== RUN   TestRuns\n", "    s_test.go:4: needs root to mount a tmpfs\n", "--- SKIP: TestNeedsRoot (0.00s)\n"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("show -v left out %q", line)
		}
	}
}

func TestTheReportListsEverySkipWithItsReason(t *testing.T) {
	var out bytes.Buffer
	if !report(&out, nil, sampleResults(t)) {
		t.Error("an empty must-run list failed the report")
	}
	for _, line := range []string{
		"Skipped tests: 2\n",
		"  sample TestNeedsRoot (test-go): s_test.go:4: needs root to mount a tmpfs\n",
		"  sample TestParent/a_sub_skips (test-go): s_test.go:8: no IPv6 here\n",
		"1 helpers that run only as a child process of another test (TestHelper)",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("the report left out %q:\n%s", line, out.String())
		}
	}
}

func TestAMustRunTestThatSkippedOrDidNotRunFailsTheReport(t *testing.T) {
	results := sampleResults(t)
	tests := []struct {
		name  string
		entry string
		ok    bool
		why   string
	}{
		{"a test that passed", "test-go sample TestRuns", true, ""},
		{"a test that failed ran (its target failed already)", "test-go sample TestFails", true, ""},
		{"a test that skipped", "test-go sample TestNeedsRoot", false, "skipped: TestNeedsRoot (s_test.go:4: needs root to mount a tmpfs)"},
		{"a test one of whose subtests skipped", "test-go sample TestParent", false, "skipped: TestParent/a_sub_skips"},
		{"a test that is not there", "test-go sample TestGone", false, "did not run at all"},
		{"a test that ran under another target", "test-e2e sample TestRuns", false, "did not run at all"},
		{"a package with a skip", "test-go sample", false, "TestNeedsRoot"},
		{"a package that did not run", "test-go other/pkg", false, "did not run at all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := readMustRun(strings.NewReader("# a comment\n\n" + tt.entry + "  # why\n"))
			if err != nil || len(list) != 1 {
				t.Fatalf("readMustRun: %v, %d entries", err, len(list))
			}
			var out bytes.Buffer
			if got := report(&out, list, results); got != tt.ok {
				t.Errorf("report = %v, want %v:\n%s", got, tt.ok, out.String())
			}
			if !strings.Contains(out.String(), tt.why) {
				t.Errorf("the report does not say %q:\n%s", tt.why, out.String())
			}
		})
	}
}

func TestAMalformedMustRunLineIsAnError(t *testing.T) {
	if _, err := readMustRun(strings.NewReader("test-go\n")); err == nil {
		t.Error("a line with only a target was accepted")
	}
}
