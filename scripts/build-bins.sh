#!/bin/sh
# build-bins.sh DIR: builds the two binaries an operator gets into DIR:
# partnerdesk-app (the Wails app, GTK and WebKit) and partnerdesk (the
# command). Tests point PARTNERDESK_BIN at DIR/partnerdesk.
set -e
dir=${1:?usage: scripts/build-bins.sh DIR}
mkdir -p "$dir"
version=${VERSION:-dev}
go build -tags desktop,production,webkit2_41 -ldflags "-X main.version=$version" -o "$dir/partnerdesk-app" .
CGO_ENABLED=0 go build -ldflags "-X main.version=$version" -o "$dir/partnerdesk" ./cmd/partnerdesk
