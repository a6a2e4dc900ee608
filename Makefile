# Partnerdesk. `make run` installs what is missing, builds and starts the app;
# `make test` runs every test. See README.md.
SHELL := /bin/bash
export PATH := $(PATH):$(shell go env GOPATH)/bin

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO_TAGS := webkit2_41
LDFLAGS := -X main.version=$(VERSION)
# The command operators and scripts run (CGO-free: no GTK or WebKit), and
# the Wails app beside it, which the command execs with no arguments and
# asks for the sign-in window of `login`.
BIN := build/bin/partnerdesk
APP := build/bin/partnerdesk-app

.PHONY: run build deps deps-test frontend test test-bindings test-axe test-go test-fuzz test-frontend test-keychain test-display test-e2e test-windows test-cross test-report screenshots bench package clean

run: build
	./$(BIN)

build: deps frontend
	wails build -s -skipbindings -trimpath -tags $(GO_TAGS) -ldflags "$(LDFLAGS)" -o partnerdesk-app >/dev/null
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/partnerdesk
	@ls -l $(BIN) $(APP)

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh --test

# Also writes the page's copy of the bound methods and their types from Go
# (frontend/src/lib/api/wailsjs/go/, committed; test-bindings checks it), which
# is why `wails build` above can skip them. After the page's build: the Go
# package embeds frontend/dist.
BINDINGS := frontend/src/lib/api/wailsjs/go
frontend: deps
	cd frontend && npm run build --silent
	@out=$$(wails generate module -tags $(GO_TAGS) 2>&1) || { echo "$$out"; exit 1; }

test: deps-test frontend test-bindings test-go test-fuzz test-frontend test-axe test-keychain test-display build test-e2e test-windows test-cross test-report

# The Go tests run through scripts/go-test.sh, which shows go test's usual
# output and keeps a record in build/test-logs/ for test-report.
GO_TEST := scripts/go-test.sh
TEST_LOGS := build/test-logs

test-go:
	go vet -tags $(GO_TAGS) ./...
	$(GO_TEST) test-go -tags $(GO_TAGS) ./...

# A short run of each fuzzer on top of its seed corpus in testdata/fuzz
# (about 10-20 s each); longer runs: docs/security.md. A count, not a
# duration: Go 1.26's fuzzing coordinator can fail a run that ends on a
# duration with a bare "context deadline exceeded" on a busy machine
# (golang/go#75804, fixed in Go 1.27); a count never races the clock.
FUZZTIME ?= 200000x
test-fuzz:
	go test -tags $(GO_TAGS) -run '^$$' -fuzz '^FuzzParseRedirect$$' -fuzztime $(FUZZTIME) ./internal/oauth/
	go test -tags $(GO_TAGS) -run '^$$' -fuzz '^FuzzMatcher$$' -fuzztime $(FUZZTIME) ./internal/oauth/
	go test -tags $(GO_TAGS) -run '^$$' -fuzz '^FuzzParseCodeRedirect$$' -fuzztime $(FUZZTIME) ./internal/oauth/
	go test -tags $(GO_TAGS) -run '^$$' -fuzz '^FuzzRedact$$' -fuzztime $(FUZZTIME) ./internal/logging/

test-frontend:
	cd frontend && npm run check && npm test

# axe-core over every scene of the built page (fake Go side) in headless Chromium,
# light and dark: fails on any serious or critical violation (~2 min).
test-axe: frontend
	cd frontend && node scripts/axe.mjs

# The committed bindings are what Go generates now (make frontend regenerated them):
# the page and its fake are type-checked against what the Go side really binds.
test-bindings: frontend
	@if [ -n "$$(git status --porcelain -- $(BINDINGS))" ]; then \
		git status --short -- $(BINDINGS); \
		echo "The Go side's bound methods or types changed: check $(BINDINGS) (git diff), run make test-frontend and commit it."; \
		exit 1; \
	fi

# The vault and the stored credentials against a real gnome-keyring on a private session bus.
test-keychain:
	scripts/desktop-session.sh $(GO_TEST) test-keychain -tags $(GO_TAGS),keychain -count=1 ./internal/vault/ ./internal/credential/

# The sign-in window itself in real WebKitGTK windows: every way a provider
# reaches the redirect_uri is intercepted before it loads.
test-display:
	scripts/desktop-session.sh $(GO_TEST) test-display -tags $(GO_TAGS),display -count=1 ./internal/signinwindow/

# The built binary in a real WebKitGTK window under Xvfb + openbox, with a real keychain.
test-e2e:
	scripts/desktop-session.sh $(GO_TEST) test-e2e -tags $(GO_TAGS),e2e -count=1 -v ./e2e/

# The Windows build of the app compiles (it cannot run here).
test-windows:
	GOOS=windows CGO_ENABLED=0 go build -tags desktop,production -o /dev/null .
	@echo "windows cross-compile: ok"

# The CGO-free command compiles for Windows and macOS, on x86-64 and arm64
# (a few seconds; it cannot run here).
test-cross:
	@for target in windows/amd64 windows/arm64 darwin/amd64 darwin/arm64; do \
		GOOS=$${target%/*} GOARCH=$${target#*/} CGO_ENABLED=0 go build -trimpath -o /dev/null ./cmd/partnerdesk || exit 1; \
		echo "partnerdesk for $$target: ok"; \
	done

# Last in make test: lists every test that skipped and why, and fails when a
# test on scripts/must-run.txt skipped or did not run.
test-report:
	@go run ./scripts/testlog report scripts/must-run.txt \
		$(TEST_LOGS)/test-go.json $(TEST_LOGS)/test-keychain.json $(TEST_LOGS)/test-display.json $(TEST_LOGS)/test-e2e.json

# Pictures of the real app (not the fake), driven through its accessibility tree
# against its built-in sandbox, light and dark, into docs/screenshots/ (~1 min);
# the four README.md shows are made 900 px wide beside them.
README_SHOTS := welcome account browse all-tokens
screenshots: build
	scripts/desktop-session.sh go test -tags $(GO_TAGS),e2e,screenshots -count=1 -run '^TestScreenshots$$' -v ./e2e/
	for n in $(README_SHOTS); do convert docs/screenshots/$$n-light.png -resize 900x -strip -colors 256 PNG8:docs/screenshots/$$n.png; done

# Partnerdesk against a bare Wails app, built in the same run, under Xvfb;
# also runs `go test -bench` of every package. Prints a table (~5-10 min).
bench: deps-test frontend
	scripts/bench.sh

# build/package/: the Linux .deb and the Windows .exe.
package: deps frontend
	scripts/package.sh

clean:
	rm -rf build/bin build/package build/test-logs frontend/dist
