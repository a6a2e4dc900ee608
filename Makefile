# Partnerdesk. `make run` installs what is missing, builds and starts the app;
# `make test` runs every test. See README.md.
SHELL := /bin/bash
export PATH := $(PATH):$(shell go env GOPATH)/bin

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO_TAGS := webkit2_41
LDFLAGS := -X main.version=$(VERSION)
BIN := build/bin/partnerdesk

.PHONY: run build deps deps-test frontend test test-go test-frontend test-keychain test-e2e test-windows bench clean

run: build
	./$(BIN)

build: deps frontend
	wails build -s -skipbindings -trimpath -tags $(GO_TAGS) -ldflags "$(LDFLAGS)" -o partnerdesk >/dev/null
	@ls -l $(BIN)

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh --test

frontend: deps
	cd frontend && npm run build --silent

test: deps-test frontend test-go test-frontend test-keychain build test-e2e test-windows

test-go:
	go vet -tags $(GO_TAGS) ./...
	go test -tags $(GO_TAGS) ./...

test-frontend:
	cd frontend && npm run check && npm test

# The vault against a real gnome-keyring on a private session bus.
test-keychain:
	scripts/desktop-session.sh go test -tags $(GO_TAGS),keychain -count=1 ./internal/vault/

# The built binary in a real WebKitGTK window under Xvfb + openbox, with a real keychain.
test-e2e:
	scripts/desktop-session.sh go test -tags $(GO_TAGS),e2e -count=1 -v ./e2e/

# The Windows build compiles (it cannot run here).
test-windows:
	GOOS=windows CGO_ENABLED=0 go build -tags desktop,production -o /dev/null .
	@echo "windows cross-compile: ok"

bench: deps frontend
	go test -tags $(GO_TAGS) -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf build/bin frontend/dist
