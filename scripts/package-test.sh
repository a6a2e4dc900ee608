#!/usr/bin/env bash
# Installs the .deb that `make package` built, as a user would (apt resolves
# its Depends), and checks the INSTALLED program: its version, its desktop
# files, and a headless sign-in against the sandbox on 127.0.0.1 with the
# token checked in the keychain. Removes the package again whatever happens.
# Run by .ci/run after `make test` and `make package`; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--signin" ]; then
  # Inside scripts/desktop-session.sh: Xvfb, openbox, an unlocked keyring.
  pd=/usr/bin/partnerdesk
  sandbox_out=$(mktemp)
  $pd sandbox --addr 127.0.0.1:0 --approve auto >"$sandbox_out" 2>/dev/null &
  sandbox_pid=$!
  trap 'kill $sandbox_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -f "$sandbox_out"' EXIT
  for _ in $(seq 100); do [ -s "$sandbox_out" ] && break; sleep 0.1; done
  base=$(head -1 "$sandbox_out")
  [[ $base == http://127.0.0.1:* ]] || { echo "the sandbox printed no 127.0.0.1 URL: '$base'" >&2; exit 1; }
  $pd profile add ci --client-id partnerdesk-sandbox --redirect-uri https://partner.invalid/oauth/callback \
    --authorize-url "$base/oauth/authorize/" --api-base "$base" --scope "profile zap"
  # The only profile: its id is the first "id" in the list.
  id=$($pd profile list --json | grep -o '"id": *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
  [ -n "$id" ] || { echo "profile list --json named no id" >&2; exit 1; }
  $pd login --profile ci --timeout 60s
  token=$($pd token --profile ci)
  [ -n "$token" ] || { echo "partnerdesk token printed nothing" >&2; exit 1; }
  stored=$(secret-tool lookup service partnerdesk username "$id")
  [ "$token" = "$stored" ] || { echo "the keychain holds another value than partnerdesk token printed" >&2; exit 1; }
  echo "package test: the installed partnerdesk signed in; the token is in the keychain"
  exit 0
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
debs=(build/package/partnerdesk_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { echo "expected one .deb in build/package (make package): ${debs[*]}" >&2; exit 1; }
deb=./${debs[0]}

remove() { $sudo dpkg -r partnerdesk >/dev/null 2>&1 || true; }
trap remove EXIT
export DEBIAN_FRONTEND=noninteractive
echo "package test: apt-get install $deb"
if ! $sudo apt-get install -y -qq "$deb" >/tmp/partnerdesk-apt.log 2>&1; then
  # Stale package lists on a machine that had everything: refresh once.
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "$deb" >/tmp/partnerdesk-apt.log 2>&1 || { cat /tmp/partnerdesk-apt.log >&2; exit 1; }
fi

passed=0 failed=0
check() { # check WHAT COMMAND...
  local what=$1
  shift
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    echo "ok   $what"
    passed=$((passed + 1))
  else
    echo "FAIL $what"
    sed 's/^/     /' "$log"
    failed=$((failed + 1))
  fi
  rm -f "$log"
}
want_version=$(dpkg-deb -f "$deb" Version)
echo "package test: installed $(dpkg-query -W -f='${Package} ${Version}' partnerdesk)"
/usr/bin/partnerdesk --version
check "partnerdesk is /usr/bin/partnerdesk" test "$(command -v partnerdesk)" = /usr/bin/partnerdesk
check "the package version is the .deb's" test "$(dpkg-query -W -f='${Version}' partnerdesk)" = "$want_version"
check "--version prints the version" sh -c '/usr/bin/partnerdesk --version | grep -q "^partnerdesk ."'
check "the desktop entry is installed" test -f /usr/share/applications/partnerdesk.desktop
check "the desktop entry opens profile files" grep -q '^MimeType=application/x-partnerdesk-profile;' /usr/share/applications/partnerdesk.desktop
check "the 512x512 icon is installed" test -f /usr/share/icons/hicolor/512x512/apps/partnerdesk.png
check "the 48x48 icon is installed" test -f /usr/share/icons/hicolor/48x48/apps/partnerdesk.png
check "the MIME database knows *.pdprofile" grep -q 'application/x-partnerdesk-profile:\*\.pdprofile' /usr/share/mime/globs2
check "the MIME database knows *.partnerdesk-profile.json" grep -q 'application/x-partnerdesk-profile:\*\.partnerdesk-profile\.json' /usr/share/mime/globs2
check "the app is installed beside the command" test -x /usr/bin/partnerdesk-app
check "the command links no GTK or WebKit" sh -c 'ldd /usr/bin/partnerdesk 2>&1 | grep -q "not a dynamic executable"'
check "every library the app needs resolves" sh -c '! ldd /usr/bin/partnerdesk-app | grep -q "not found"'
check "a headless sign-in with the installed binary stores the token in the keychain" scripts/desktop-session.sh "$0" --signin

remove
trap - EXIT
check "dpkg -r removes it" sh -c '! dpkg-query -W -f="\${Status}" partnerdesk 2>/dev/null | grep -q "install ok installed"'
check "no /usr/bin/partnerdesk after removal" test ! -e /usr/bin/partnerdesk
check "no /usr/bin/partnerdesk-app after removal" test ! -e /usr/bin/partnerdesk-app
check "the MIME type is gone after removal" sh -c '! grep -q application/x-partnerdesk-profile /usr/share/mime/globs2'
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
