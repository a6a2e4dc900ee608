#!/usr/bin/env bash
# `make bench`: measures Partnerdesk against a bare Wails v2.15.0 app built
# in the same run, the same way, and prints a table (also written to
# build/bin/bench-results.md). Not a test: nothing here fails on a figure.
#
#   1. the Go benchmarks of every package (go test -bench), kept for the
#      table's API figures;
#   2. Partnerdesk as build/bin/partnerdesk-bench (its own name: others may
#      be building build/bin/partnerdesk at the same time);
#   3. the bare app: `wails init -t vanilla` in a temp dir (bench/bare/README.md);
#   4. the command (cmd/partnerdesk, CGO-free), beside a link to the app as
#      partnerdesk-app, as they are shipped: its rows are `status --offline`,
#      `profile list` and `token` against its own `--version` in the same run;
#   5. the frontend's table benchmark, when there is one;
#   6. bench/harness inside scripts/desktop-session.sh (Xvfb, openbox, an
#      unlocked gnome-keyring): every run on 127.0.0.1 only, bounded; its
#      browse rows drive the real app through its accessibility tree.
#
# Knobs: BENCH_PAIRS (start-up runs of each app, default 15), BENCH_LOGINS
# (default 20), BENCH_SIGNIN_RUNS (default 3), BENCH_BROWSE_RUNS (Load all of
# 1,000 and of 10,000 sandbox Zaps in the real app, default 5 each).
#
# The browse rows alone, against any build (about 2 minutes a run):
#   scripts/desktop-session.sh go run ./bench/harness -only browse -app BIN [-browse-runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$(go env GOPATH)/bin"

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
TAGS=webkit2_41
tmp=$(mktemp -d /tmp/partnerdesk-bench-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
say() { echo "bench: $*" >&2; }

if ! command -v hyperfine >/dev/null; then
  say "installing hyperfine (Debian package) to time partnerdesk token"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq hyperfine >/dev/null; } ||
    say "no hyperfine: timing with the harness's own loop"
fi

# 1. Go benchmarks of the packages (1 s each by default; kept short).
say "go test -bench of every package"
go test -tags "$TAGS" -run '^$' -bench . -benchmem ./... 2>&1 | tee "$tmp/go-bench.txt"
zaps=""
# The table's zaps figure comes from internal/partnerapi's benchmarks, when
# they exist.
if grep -qs '^func Benchmark' internal/partnerapi/*_test.go; then
  awk '/^pkg: /{p=$2} p=="partnerdesk/internal/partnerapi"' "$tmp/go-bench.txt" >"$tmp/zaps.txt"
  zaps=$tmp/zaps.txt
fi

# The code grant's renewal, expired token to new token stored, with a token
# endpoint on 127.0.0.1: in memory, and with a real gnome-keyring (the
# keychain tag, in a private session).
say "go test -bench of a code-grant renewal, with a real keychain"
scripts/desktop-session.sh go test -tags "$TAGS,keychain" -run '^$' -bench ExpiredTokenToNewToken -benchmem ./internal/credential/ 2>&1 |
  tee "$tmp/renew.txt" || true

# 2. Partnerdesk. The frontend may be mid-change by a colleague: retry.
build_app() {
  (cd frontend && npm run build --silent >/dev/null) &&
    wails build -s -skipbindings -trimpath -tags "$TAGS" -ldflags "-X main.version=$VERSION" -o partnerdesk-bench >"$tmp/wails-build.log" 2>&1 &&
    rm -rf "$tmp/pd-dist" && cp -r frontend/dist "$tmp/pd-dist"
}
for attempt in 1 2 3; do
  say "building build/bin/partnerdesk-bench (attempt $attempt)"
  if build_app; then break; fi
  cat "$tmp/wails-build.log" >&2 || true
  [ "$attempt" = 3 ] && { say "Partnerdesk did not build"; exit 1; }
  sleep 30
done

# 3. The bare Wails app, from the CLI's own template, built the same way.
say "building the bare Wails app (wails init -t vanilla) in $tmp/bare"
(cd "$tmp" && wails init -n bare -t vanilla >/dev/null)
cp app_ready.go "$tmp/bare/app_ready.go"
printf '\nwindow.go.main.App.FrontendReady();\n' >>"$tmp/bare/frontend/src/main.js"
(cd "$tmp/bare/frontend" && npm install --no-audit --no-fund --loglevel=error >/dev/null && npm run build >/dev/null)
(cd "$tmp/bare" && wails build -s -skipbindings -trimpath -tags "$TAGS" -o bare >"$tmp/bare-build.log" 2>&1) ||
  { cat "$tmp/bare-build.log" >&2; exit 1; }

# 4. The command, CGO-free, with the app beside it under the name it looks
# for (login gets its window from there).
mkdir -p "$tmp/bin"
CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$VERSION" -o "$tmp/bin/partnerdesk" ./cmd/partnerdesk
ln -sf "$PWD/build/bin/partnerdesk-bench" "$tmp/bin/partnerdesk-app"

# 5. The frontend's 10,000-row table benchmark (frontend/scripts/bench-table.mjs:
# the built UI in headless Chromium), when it exists.
paint=""
bench_mjs=$(ls frontend/scripts/bench-table*.mjs frontend/scripts/bench*.mjs 2>/dev/null | head -1 || true)
if [ -n "$bench_mjs" ]; then
  say "frontend benchmark: node $bench_mjs"
  # It serves frontend/dist: the build Partnerdesk was just made from.
  (cd frontend && timeout 300 node "${bench_mjs#frontend/}") >"$tmp/paint.txt" 2>&1 || echo "the frontend benchmark failed" >>"$tmp/paint.txt"
  cat "$tmp/paint.txt" >&2
  paint=$tmp/paint.txt
fi

# 6. The measurements.
go build -o "$tmp/harness" ./bench/harness
mkdir -p build/bin
timeout -k 10 1500 scripts/desktop-session.sh "$tmp/harness" \
  -app build/bin/partnerdesk-bench -bare "$tmp/bare/build/bin/bare" -cli "$tmp/bin/partnerdesk" -command "$tmp/bin/partnerdesk" \
  -app-dist "$tmp/pd-dist" -bare-dist "$tmp/bare/frontend/dist" \
  -pairs "${BENCH_PAIRS:-15}" -logins "${BENCH_LOGINS:-20}" -signin-runs "${BENCH_SIGNIN_RUNS:-3}" \
  -browse-runs "${BENCH_BROWSE_RUNS:-5}" \
  -zaps "$zaps" -paint "$paint" -renew "$tmp/renew.txt" -out build/bin/bench-results.md
echo
echo "(written to build/bin/bench-results.md; command: make bench)"
