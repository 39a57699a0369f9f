# Quire's tasks. `make test` is what CI runs (.ci/run); it installs what the
# tests need when it is missing (Chromium, via apt-get when running as root).

GO ?= go
export GOFLAGS := -buildvcs=false

.PHONY: test deps vet build bench run interop

test: vet
	@scripts/test.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }

deps:
	@scripts/deps.sh

build:
	$(GO) build -o bin/quire ./cmd/quire

run:
	$(GO) run ./cmd/quire serve --demo

# interop: Quire and a real WordPress (Debian's packages, installed when
# missing) on loopback, pinging each other; each direction is reported on
# its own. Not part of test. DIRECTION=quire-to-wp or wp-to-quire runs one.
interop:
	@scripts/interop.sh $(DIRECTION)

bench: build
	@scripts/deps.sh bench
	@scripts/bench.sh
	@scripts/bench-import.sh
	@scripts/bench_large.sh
