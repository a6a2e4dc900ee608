#!/usr/bin/env bash
# Installs, idempotently, everything Partnerdesk needs to build and test on
# Debian 12: apt packages (with sudo when not root), the wails CLI pinned to
# the version in go.mod, and the frontend's npm packages. Prints nothing when
# all is already there, so `make` stays quiet on a set-up machine.
set -euo pipefail
cd "$(dirname "$0")/.."

WAILS_VERSION=v2.15.0
APT_BUILD="build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev bubblewrap xdg-dbus-proxy"
APT_TEST="xvfb xauth xdotool x11-utils openbox wmctrl xclip imagemagick dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core chromium"

want="$APT_BUILD"
[ "${1:-}" = "--test" ] && want="$want $APT_TEST"

missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export PATH="$PATH:$(go env GOPATH)/bin"
if ! wails version 2>/dev/null | grep -q "$WAILS_VERSION"; then
  echo "Installing the wails CLI $WAILS_VERSION"
  go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
fi

# npm ci is slow even when nothing changed: only run it when the lock file is
# newer than the last install.
if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  echo "Installing frontend packages"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi
