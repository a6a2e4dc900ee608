#!/usr/bin/env bash
# `make package`: the installable builds, in build/package/:
#
#   partnerdesk_<version>_<arch>.deb      Debian 12 (bookworm) and later:
#       /usr/bin/partnerdesk (the command, CGO-free) and beside it
#       /usr/bin/partnerdesk-app (the Wails app, which the command execs),
#       the desktop entry, the icon in hicolor sizes 16-512, and the MIME
#       type application/x-partnerdesk-profile (*.pdprofile,
#       *.partnerdesk-profile.json) that the entry opens. Depends are
#       computed from the app binary (dpkg-shlibdeps; the command is not
#       dynamically linked); a Secret
#       Service (gnome-keyring, KWallet or KeePassXC) is recommended: without
#       one Partnerdesk stores no token.
#   partnerdesk_<version>_windows_amd64.zip
#       partnerdesk.exe (the command) and partnerdesk-app.exe (the app, with
#       icon, manifest and version info from build/windows/), to be kept in
#       one folder; both cross-compiled with CGO off. Compiled only: they
#       have never run here.
#
# The version is `git describe`, made a valid Debian version. Nothing here
# needs the network except apt for a missing build tool.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$(go env GOPATH)/bin"

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
TAGS=webkit2_41
OUT=build/package
say() { echo "package: $*" >&2; }

# git describe -> Debian version: v1.2.3-4-gabcdef-dirty -> 1.2.3+4.gabcdef.dirty;
# a bare commit (no tag yet) -> 0~git<commit date>.abcdef (before any 0.x release).
debver() {
  local v=$1
  if [[ $v =~ ^v?[0-9]+\.[0-9] ]]; then # a release tag, not a commit hash that starts with a digit
    v=${v#v}
    local head=${v%%-*} rest=""
    [[ $v == *-* ]] && rest=+${v#*-}
    echo "$head${rest//-/.}"
  else
    # The commit's date first, so that later builds sort later.
    local when
    when=$(git log -1 --format=%cd --date=format:%Y%m%d%H%M%S 2>/dev/null || echo 0)
    echo "0~git$when.${v//-/.}"
  fi
}
DEBVER=$(debver "$VERSION")
ARCH=$(dpkg --print-architecture)

# Build tools that `make deps` does not install.
need=()
command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
[ -x /usr/bin/convert ] || need+=(imagemagick)
command -v strip >/dev/null || need+=(binutils)
command -v python3 >/dev/null || need+=(python3) # zips the Windows pair
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
CONVERT=/usr/bin/convert

tmp=$(mktemp -d /tmp/partnerdesk-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/partnerdesk_*

# wails build under names of our own: others may be building
# build/bin/partnerdesk at the same time.
wails_build() {
  local log=$tmp/wails.log
  for attempt in 1 2 3; do
    if wails build -s -skipbindings -trimpath "$@" >"$log" 2>&1; then return 0; fi
    say "wails build $* failed (attempt $attempt)"
    tail -20 "$log" >&2
    [ "$attempt" = 3 ] && return 1
    sleep 20
  done
}

# --- Linux .deb --------------------------------------------------------------
say "building the Linux binaries ($VERSION)"
wails_build -tags "$TAGS" -ldflags "-X main.version=$VERSION" -o partnerdesk-pkg
CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$VERSION" -o "$tmp/partnerdesk" ./cmd/partnerdesk

root=$tmp/deb
install -Dm755 "$tmp/partnerdesk" "$root/usr/bin/partnerdesk"
install -Dm755 build/bin/partnerdesk-pkg "$root/usr/bin/partnerdesk-app"
strip "$root/usr/bin/partnerdesk" "$root/usr/bin/partnerdesk-app"
install -Dm644 build/linux/partnerdesk.desktop "$root/usr/share/applications/partnerdesk.desktop"
install -Dm644 build/linux/partnerdesk-mime.xml "$root/usr/share/mime/packages/partnerdesk.xml"
for size in 16 24 32 48 64 128 256 512; do
  dir=$root/usr/share/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  "$CONVERT" build/appicon.png -resize "${size}x${size}" -strip "PNG32:$dir/partnerdesk.png"
done
install -d "$root/usr/share/doc/partnerdesk"
cat >"$root/usr/share/doc/partnerdesk/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Partnerdesk
Comment: Partnerdesk gets an access token for the Zapier Partner API, keeps it in
 the system keychain, and tells whether it still works. The binary bundles the
 Wails runtime (MIT) and Go modules under their own licences.

Files: *
Copyright: Partnerdesk engineers
License: proprietary
EOF
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$root/usr/share/applications/partnerdesk.desktop"
fi

# Runtime libraries, from the app binary's NEEDED entries and the installed
# packages' shlibs (minimum versions included). The command needs none.
mkdir -p "$tmp/shlib/debian"
printf 'Source: partnerdesk\n\nPackage: partnerdesk\nArchitecture: any\n' >"$tmp/shlib/debian/control"
depends=$(cd "$tmp/shlib" && dpkg-shlibdeps -O "$root/usr/bin/partnerdesk-app" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
for lib in libgtk-3-0 libwebkit2gtk-4.1-0; do
  [[ $depends == *"$lib"* ]] || { say "dpkg-shlibdeps did not name $lib: '$depends'"; exit 1; }
done

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOF
Package: partnerdesk
Version: $DEBVER
Architecture: $ARCH
Section: net
Priority: optional
Maintainer: Partnerdesk engineers <engineers@partnerdesk.invalid>
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Depends: $depends
Recommends: gnome-keyring | libkf5wallet-bin | keepassxc, xdg-utils
Suggests: libsecret-tools
Description: Zapier Partner API access token in your keychain
 Partnerdesk signs you in to the Zapier Partner API in a window of its own,
 keeps the access token in the system keychain (Secret Service) and tells
 you whether it still works. The partnerdesk command opens it, and is a
 command-line tool for scripts: partnerdesk login, status, token.
EOF
# The shared MIME database, the desktop database and the icon cache update
# through the dpkg file triggers of shared-mime-info, desktop-file-utils and
# hicolor-icon-theme: no maintainer scripts are needed.
deb=$OUT/partnerdesk_${DEBVER}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
say "built $deb"
dpkg-deb --info "$deb" | sed -n 's/^ \(Version\|Depends\|Recommends\):/  \1:/p' >&2

# --- Windows .zip ------------------------------------------------------------
# wails builds the app with CGO off for Windows, adds -H windowsgui and the
# resources (icon, manifest, version info) from build/windows/; the command
# beside it is a console program.
say "cross-compiling the Windows binaries"
win=$tmp/windows
mkdir -p "$win"
if wails_build -platform windows/amd64 -ldflags "-X main.version=$VERSION" -o partnerdesk-pkg.exe; then
  cp build/bin/partnerdesk-pkg.exe "$win/partnerdesk-app.exe"
else
  say "wails could not build for Windows: plain go build, without icon and manifest"
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production -trimpath \
    -ldflags "-H windowsgui -s -w -X main.version=$VERSION" -o "$win/partnerdesk-app.exe" .
fi
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$win/partnerdesk.exe" ./cmd/partnerdesk
zip=$OUT/partnerdesk_${DEBVER}_windows_amd64.zip
(cd "$win" && python3 -m zipfile -c "$OLDPWD/$zip" partnerdesk.exe partnerdesk-app.exe)
say "built $zip"
ls -l "$OUT"
