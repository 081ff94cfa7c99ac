# Branchpoint — every target installs what it is missing, and is quick when all is there.
#   make run    build the app, serve it on http://127.0.0.1:8080, start an OpenCode server if none answers
#   make test   install what the tests need and run every test (native and in headless Chromium)
#   make dist   write the static site to dist/ (BASE=/sub/path/ for a sub-path host)
#   make bench  Branchpoint against the official OpenCode web app, side by side (prints numbers)
#   make demo   the app with an OpenCode server wired to the scripted model: chat and fork with no model account
#   make compat the app against older OpenCode releases (1.3.2, 1.15.0) and the pinned one

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# dx must not try to download its helpers (its TLS stack fails here): they come from PATH.
export NO_DOWNLOADS := 1

DX_VERSION := $(shell sed -n 's/^dioxus = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -1)
WASM_BINDGEN_VERSION := $(shell grep -A1 '^name = "wasm-bindgen"$$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
BASE ?= /
DIST ?= dist
PORT ?= 8080
SERVER ?= http://127.0.0.1:4096
DEMO_SERVER_PORT ?= 4096

.PHONY: help tools browser compat-tools compat dist dist-subpath run demo test check clean bench

# Older OpenCode releases the app is checked against, each from its own npm install under
# target/compat/<version>/ (installed once; a second run finds them there).
COMPAT_VERSIONS := 1.3.2 1.15.0

help:
	@sed -n 's/^#   //p' Makefile

# `npm install`, not `npm ci`: the registry here serves only this platform's opencode binary, so
# the lock cannot list the other platforms' optional packages and `npm ci` refuses it. With the
# versions pinned exactly in package.json, `npm install` installs the same and leaves the lock as is.
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

tools: node_modules/.package-lock.json
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! dx --version 2>/dev/null | grep -q "$(DX_VERSION)"; then \
	  echo "Installing dioxus-cli $(DX_VERSION) (about 12 minutes on 2 cores)…"; \
	  cargo install dioxus-cli --version "$(DX_VERSION)" --locked; fi
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)…"; \
	  cargo install wasm-bindgen-cli --version "$(WASM_BINDGEN_VERSION)" --force; fi

compat-tools: $(foreach v,$(COMPAT_VERSIONS),target/compat/$(v)/node_modules/.bin/opencode)

target/compat/%/node_modules/.bin/opencode:
	mkdir -p target/compat/$*
	cd target/compat/$* && echo '{"private": true}' > package.json && \
	  npm install --no-audit --no-fund --no-save opencode-ai@$*

browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "Installing Debian's chromium and chromium-driver…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi

dist: tools
	rm -rf target/dx/branchpoint/release/web/public
	dx build --platform web --release --base-path "$(BASE)"
	rm -rf $(DIST) && cp -r target/dx/branchpoint/release/web/public $(DIST)
	sed -i 's#href="/manifest.webmanifest"#href="$(BASE)manifest.webmanifest"#; s#href="/icons/#href="$(BASE)icons/#g' $(DIST)/index.html
	@# Fetch the wasm alongside its loader script, not after it.
	wasm=$$(cd $(DIST) && ls assets/*.wasm) && \
	  sed -i "s#</head>#<link rel=\"preload\" as=\"fetch\" type=\"application/wasm\" href=\"$(BASE)$$wasm\" crossorigin></head>#" $(DIST)/index.html
	@# The service worker's cache belongs to this build: named after it (a hash of the hashed
	@# file names), listing its files; index.html carries the same stamp.
	build=$$(cd $(DIST) && ls assets | sha256sum | cut -c1-16) && \
	  files=$$(cd $(DIST) && ls assets | sed 's#^#assets/#' | paste -sd' ' -) && \
	  sed -i "s#__BUILD__#$$build#; s#__ASSETS__#$$files#" $(DIST)/sw.js && \
	  sed -i "s#__BUILD__#$$build#" $(DIST)/index.html
	cp $(DIST)/index.html $(DIST)/404.html
	@scripts/size.sh $(DIST)

# The site built for a sub-path, for tests/browser_subpath.rs.
dist-subpath:
	$(MAKE) dist BASE=/branchpoint/ DIST=target/dist-branchpoint

run: dist
	scripts/run.sh "$(PORT)" "$(SERVER)"

demo: dist
	scripts/demo.sh "$(PORT)" "$(DEMO_SERVER_PORT)"

check:
	cargo fmt --check
	cargo clippy --all-targets --features bench -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --features web -- -D warnings

test: tools browser compat-tools check dist-subpath dist
	cargo test --all-targets

# The smoke of tests/compat.rs runs in `make test`; this adds the rest of it.
compat: tools browser compat-tools dist
	cargo test --test compat -- --include-ignored

# Not part of `make test`: numbers are printed, never asserted. BENCH_RUNS=5, BENCH_BIG=10000.
bench: tools browser dist
	cargo run --example bench --features bench

clean:
	rm -rf dist target/dx target/dist-branchpoint
