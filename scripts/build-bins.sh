#!/bin/sh
# build-bins.sh DIR: builds the two binaries an operator gets into DIR:
# partnerdesk-app (the Wails app, GTK and WebKit) and partnerdesk (the
# command). Tests point PARTNERDESK_BIN at DIR/partnerdesk.
set -e
dir=${1:?usage: scripts/build-bins.sh DIR}
mkdir -p "$dir"
go build -tags desktop,production,webkit2_41 -o "$dir/partnerdesk-app" .
if [ -d cmd/partnerdesk ]; then
	CGO_ENABLED=0 go build -o "$dir/partnerdesk" ./cmd/partnerdesk
else
	cp "$dir/partnerdesk-app" "$dir/partnerdesk"
fi
