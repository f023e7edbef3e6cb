# linegate — the two commands a newcomer needs are `make run` and `make test`.
# Both install whatever a fresh Debian machine with Node 20 lacks.

SHELL := /bin/bash
NPM   ?= npm
# apt-get needs root; use sudo when we are not root and it exists.
SUDO  := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_STAMP := node_modules/.apt-peers-stamp

.PHONY: run test deps peers media-tools prompts build typecheck lint depcheck unit clean

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

# Test peers from Debian: sipp (package sip-tester), redis-server, the softphones baresip and
# linphonec (package linphone-cli), and espeak-ng (the prompts). Installed only when missing.
peers: $(APT_STAMP)

$(APT_STAMP): | deps
	@need=""; \
	command -v sipp >/dev/null || need="$$need sip-tester"; \
	command -v redis-server >/dev/null || need="$$need redis-server"; command -v baresip >/dev/null || need="$$need baresip"; \
	command -v espeak-ng >/dev/null || need="$$need espeak-ng"; command -v linphonec >/dev/null || need="$$need linphone-cli"; \
	if [ -n "$$need" ]; then \
	  echo "installing from Debian:$$need"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$need; \
	fi
	@touch $@

# The voicemail prompts are rendered by the project's own build from espeak-ng (Debian),
# never downloaded: `make run` needs them, so it installs espeak-ng when missing.
media-tools:
	@command -v espeak-ng >/dev/null || { echo "installing from Debian: espeak-ng"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq espeak-ng; }

prompts: deps media-tools
	node --import tsx scripts/build-prompts.ts --out var/prompts

build: deps
	$(NPM) run build --silent

typecheck: deps
	$(NPM) run typecheck --silent

lint: deps
	$(NPM) run lint --silent

depcheck: deps
	$(NPM) run depcheck --silent

unit: deps peers
	$(NPM) test --silent

test: deps peers build typecheck lint depcheck unit

run: deps build prompts
	node bin/linegate run

clean:
	rm -rf dist node_modules
