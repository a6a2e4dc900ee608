#!/usr/bin/env bash
# Checks that the .deb from `make package` installs and starts on a CLEAN
# Debian 12: a minimal bookworm made with debootstrap in a temp folder (from
# the machine's own Debian mirror), the .deb installed there with apt (its
# Depends and Recommends and nothing else), then `partnerdesk --version` and
# the app itself under Xvfb until its window maps; a screenshot is left in
# build/test-artifacts/clean-debian12.png.
#
# Not part of CI (about 4 minutes and ~250 MB of packages); run it by hand
# as root after `make package`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run me as root (debootstrap, chroot)" >&2; exit 1; }
debs=(build/package/partnerdesk_*.deb)
[ -f "${debs[0]}" ] || { echo "no .deb in build/package: make package" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/partnerdesk-deb12.XXXXXX)
cleanup() {
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null
  done
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT

echo "clean-debian: debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
[ -f /etc/apt/sources.list.d/debian.sources ] && cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" && rm -f "$root/etc/apt/sources.list"
cp "${debs[0]}" "$root/tmp/"
mount -t proc proc "$root/proc"

chroot "$root" bash -euo pipefail -c '
  export DEBIAN_FRONTEND=noninteractive HOME=/root XDG_RUNTIME_DIR=/tmp/run
  apt-get update -qq
  apt-get install -y -qq /tmp/partnerdesk_*.deb >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
  echo "clean-debian: installed $(dpkg-query -W -f="\${Package} \${Version}" partnerdesk)"
  partnerdesk --version
  ! ldd /usr/bin/partnerdesk-app | grep "not found"
  # Only to look at it: a display, a session bus, a screenshot.
  apt-get install -y -qq --no-install-recommends xvfb xauth x11-utils dbus imagemagick >/dev/null 2>&1
  mkdir -p -m 700 /tmp/run
  Xvfb :77 -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
  x=$!
  sleep 2
  export DISPLAY=:77
  dbus-run-session -- sh -c "
    partnerdesk >/tmp/app.log 2>&1 & p=\$!
    for i in \$(seq 60); do xwininfo -root -tree | grep -q \"\\\"Partnerdesk\\\"\" && break; sleep 0.5; done
    sleep 3
    xwininfo -root -tree | grep -q \"\\\"Partnerdesk\\\"\" || { echo \"clean-debian: the window did not map\"; cat /tmp/app.log; exit 1; }
    import -window root /tmp/shot.png
    kill \$p
  "
  kill $x
  echo "clean-debian: the app started and showed its window"
'
mkdir -p build/test-artifacts
cp "$root/tmp/shot.png" build/test-artifacts/clean-debian12.png
echo "clean-debian: 1 passed, 0 failed (screenshot: build/test-artifacts/clean-debian12.png)"
