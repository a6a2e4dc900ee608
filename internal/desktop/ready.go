package desktop

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// benchReadyFileEnv names the file FrontendReady writes to. `make bench`
// (scripts/bench.sh) sets it to time the start to interactive; otherwise
// FrontendReady only logs at debug level.
const benchReadyFileEnv = "PARTNERDESK_BENCH_READY_FILE"

// FrontendReady is called once by the frontend when its first screen is
// mounted: from then on the app answers the operator. It records the time
// since the process started.
//
// When PARTNERDESK_BENCH_READY_FILE is set it writes there one line,
// "unix_ns=<wall clock now> since_start_ms=<ms since exec>": the benchmark
// subtracts its own clock reading taken just before exec from unix_ns, as
// since_start_ms comes from /proc in 10 ms clock ticks (-1 where there is
// no /proc).
func (s *Session) FrontendReady() {
	called("FrontendReady")
	now := time.Now()
	since := sinceProcessStart()
	slog.Debug("frontend ready", "since_start_ms", since)
	path := os.Getenv(benchReadyFileEnv)
	if path == "" {
		return
	}
	line := fmt.Sprintf("unix_ns=%d since_start_ms=%d\n", now.UnixNano(), since)
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		slog.Warn("could not write the ready file", "err", err)
	}
}

// sinceProcessStart is how long ago, in ms, this process was started (exec),
// from /proc (Linux); -1 when that cannot be read.
func sinceProcessStart() int64 {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	uptime, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return -1
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields after its closing one. starttime is field 22.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	fields := strings.Fields(s[i+1:])
	const starttime = 22 - 3 // fields[0] is field 3
	if len(fields) <= starttime {
		return -1
	}
	ticks, err := strconv.ParseInt(fields[starttime], 10, 64)
	if err != nil {
		return -1
	}
	upFields := strings.Fields(string(uptime))
	if len(upFields) == 0 {
		return -1
	}
	up, err := strconv.ParseFloat(upFields[0], 64)
	if err != nil {
		return -1
	}
	const clockTicks = 100 // USER_HZ on every Linux that Go supports
	return int64(up*1000) - ticks*1000/clockTicks
}
