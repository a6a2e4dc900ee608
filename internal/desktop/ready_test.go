package desktop

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFrontendReadyWritesTheTimesForTheBenchmark(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ready")
	t.Setenv(benchReadyFileEnv, file)
	before := time.Now()
	(&Session{}).FrontendReady()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^unix_ns=(\d+) since_start_ms=(-?\d+)\n$`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("ready file %q is not in the form the benchmark reads", b)
	}
	ns, _ := strconv.ParseInt(m[1], 10, 64)
	if at := time.Unix(0, ns); at.Before(before) || at.After(time.Now()) {
		t.Errorf("unix_ns %v is not the time of the call", at)
	}
	// The process started before this package's variables were set, and no
	// longer ago than ps says (whole seconds). No bound depends on how fast
	// the machine is: a loaded machine can take seconds to load the test
	// binary's libraries.
	since, _ := strconv.ParseInt(m[2], 10, 64)
	if lower := time.Since(processStart) - 20*time.Millisecond; time.Duration(since)*time.Millisecond < lower {
		t.Errorf("since_start_ms = %d, yet this package's variables were set %s ago", since, time.Since(processStart))
	}
	out, err := exec.Command("ps", "-o", "etimes=", "-p", strconv.Itoa(os.Getpid())).Output()
	if err != nil {
		t.Fatalf("ps: %v", err)
	}
	age, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("ps -o etimes printed %q", out)
	}
	if since > (age+1)*1000 {
		t.Errorf("since_start_ms = %d, ps says the process started %d s ago", since, age)
	}
}

func TestFrontendReadyWritesNothingOutsideTheBenchmark(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(benchReadyFileEnv, "")
	t.Chdir(dir)
	(&Session{}).FrontendReady()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("FrontendReady wrote %v without %s", entries, benchReadyFileEnv)
	}
}

// processStart is close to when the test binary started.
var processStart = time.Now()
