#!/usr/bin/env bash
# Usage: scripts/go-test.sh NAME GO-TEST-ARGS...
# Runs `go test -json GO-TEST-ARGS`, shows what go test would print (every
# line when the arguments hold -v), and keeps the event stream in
# build/test-logs/NAME.json: `make test-report` reads it to list the tests
# that skipped and to check the must-run list (scripts/must-run.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
shift
mkdir -p build/test-logs
verbose=()
for arg in "$@"; do
  [ "$arg" = "-v" ] && verbose=(-v)
done
go test -json "$@" | tee "build/test-logs/$name.json" | go run ./scripts/testlog show "${verbose[@]}"
