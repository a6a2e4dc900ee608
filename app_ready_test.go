package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestFrontendReadyWritesTheTimesForTheBenchmark(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ready")
	t.Setenv(benchReadyFileEnv, file)
	before := time.Now()
	(&App{}).FrontendReady()
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
	since, _ := strconv.ParseInt(m[2], 10, 64)
	if since < 0 || time.Duration(since)*time.Millisecond > time.Since(processStart)+time.Second {
		t.Errorf("since_start_ms = %d, the test process started %s ago", since, time.Since(processStart))
	}
}

func TestFrontendReadyWritesNothingOutsideTheBenchmark(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(benchReadyFileEnv, "")
	t.Chdir(dir)
	(&App{}).FrontendReady()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("FrontendReady wrote %v without %s", entries, benchReadyFileEnv)
	}
}

// processStart is close to when the test binary started.
var processStart = time.Now()
