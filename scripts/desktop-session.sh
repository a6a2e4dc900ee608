#!/usr/bin/env bash
# Runs a command inside a throw-away desktop session, as tests need one:
# Xvfb with openbox, a private D-Bus session bus holding an unlocked
# gnome-keyring, and XDG directories in a temp folder (WebKit keeps cookies
# there). Everything is stopped and removed when the command ends.
set -euo pipefail

# Go's caches stay where they are, not in the throw-away HOME below.
export GOCACHE=${GOCACHE:-$(go env GOCACHE)} GOPATH=${GOPATH:-$(go env GOPATH)} GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)}

tmp=$(mktemp -d /tmp/partnerdesk-session.XXXXXX)
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache \
       XDG_STATE_HOME=$tmp/state XDG_RUNTIME_DIR=$tmp/run HOME=$tmp/home
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR" "$HOME"
chmod 700 "$XDG_RUNTIME_DIR"

display=""
for n in $(seq 90 140); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "desktop-session: no free X display" >&2; exit 1; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=$display
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null 2>&1 || { echo "desktop-session: Xvfb did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
openbox >"$tmp/openbox.log" 2>&1 &
pids+=($!)
# GTK and WebKit join the accessibility bus (started on demand from the
# session bus) unless told not to: the GUI tests read the app through it.
unset DBUS_SESSION_BUS_ADDRESS NO_AT_BRIDGE GTK_A11Y

# gnome-keyring's daemon forks away from us; dbus-run-session ends the bus
# when the command exits, and the daemon with it. `--unlock` returns before
# the daemon owns org.freedesktop.secrets: a call in that gap would
# bus-activate a second, locked daemon, so wait for the name first.
dbus-run-session -- sh -c '
  echo -n partnerdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  for _ in $(seq 100); do
    dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && exec "$@"
    sleep 0.05
  done
  echo "desktop-session: gnome-keyring did not come up on the session bus" >&2
  exit 1
' sh "$@"
