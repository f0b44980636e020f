# Everything a fresh Debian machine with only the Swift toolchain needs.
#   make demo   - installs system packages, builds (release) and runs `cohort simulate` on the bundled data
#   make test   - installs system packages and runs the whole test suite
#   make bench  - prints the benchmark figures (release build)
#   make fuzz   - builds the libFuzzer targets (Fuzz/) and runs each for FUZZ_SECONDS (30)
SHELL := /bin/bash
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := libopenblas-dev pkg-config zlib1g-dev libsqlite3-dev

.PHONY: deps build release demo lint test fuzz bench clean

# Installs the C libraries (OpenBLAS, zlib, SQLite) only when something is missing.
deps:
	@if ! pkg-config --exists openblas zlib sqlite3 2>/dev/null; then \
		echo "Installing system packages: $(SYSTEM_PACKAGES)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product cohort

demo: release
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} .build/release/cohort simulate

# Style: swift-format (part of the Swift toolchain) with the committed .swift-format; fix with
#   swift format format -i -r Sources Tests Package.swift
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

# The deployment suites (coordinator and site processes, loopback mutual TLS, network
# namespaces where allowed) run one test at a time after the rest, so that a loaded two-core
# machine does not starve live sites' heartbeats; the 1,000-idle-connection test
# (HandshakeGateTests) runs on its own after them. The time limits only turn a hang into a
# failure: nothing is retried.
test: deps lint
	$(SWIFT) build --build-tests
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} $(SWIFT) test --skip-build --skip TransportTests
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} timeout 900 $(SWIFT) test --skip-build --no-parallel --filter TransportTests --skip HandshakeGateTests
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} timeout 300 $(SWIFT) test --skip-build --filter HandshakeGateTests
	$(MAKE) fuzz

# Coverage-guided fuzzing of every parser of untrusted input (README, "Fuzzing"): any crash
# fails the build.
FUZZ_SECONDS ?= 30
fuzz: deps
	SWIFT=$(SWIFT) scripts/fuzz.sh $(FUZZ_SECONDS)

bench: release
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} .build/release/cohort bench all

clean:
	rm -rf .build
