# Quầy — the two commands: `make run` and `make test`. Both install what they need first.
SWIFT ?= swift
PREFIX ?= /usr/local
BIN := .build/debug
RELEASE_BIN := .build/release

.PHONY: bootstrap build run test bench install clean fuzz fuzz-build sanitize deb deb-test

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

## run: quayd on its embedded default (SQLite and socket under ./var/, no devices).
run: build
	@mkdir -p var
	@echo "quayd: socket var/quay.sock — in another shell: $(BIN)/quay --socket var/quay.sock status"
	$(BIN)/quayd --config config/dev.toml

## test: every test — unit, store, protocol and end to end through the real binaries — then a
## short run of every fuzz target (FUZZ_TEST_SECONDS each).
FUZZ_TEST_SECONDS ?= 8
test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_TEST_SECONDS)

## fuzz: every libFuzzer target (scripts/fuzz) for FUZZ_SECONDS each, with AddressSanitizer.
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	@scripts/fuzz $(FUZZ_SECONDS)

## sanitize: every test under ThreadSanitizer, then under AddressSanitizer, each in its own
## build folder (the end-to-end tests then run sanitized quayd and quay too).
## Every process's reports (quayd and quay included) go to var/sanitize; any report fails it.
sanitize: bootstrap
	@rm -rf var/sanitize && mkdir -p var/sanitize
	$(SWIFT) build --build-tests --scratch-path .build-tsan --sanitize=thread
	TSAN_OPTIONS=log_path=$(CURDIR)/var/sanitize/tsan $(SWIFT) test --skip-build --scratch-path .build-tsan --sanitize=thread
	$(SWIFT) build --build-tests --scratch-path .build-asan --sanitize=address
	ASAN_OPTIONS=log_path=$(CURDIR)/var/sanitize/asan:detect_leaks=0 $(SWIFT) test --skip-build --scratch-path .build-asan --sanitize=address
	@if [ -n "$$(ls var/sanitize)" ]; then cat var/sanitize/*; echo "sanitize: the reports above"; exit 1; fi
	@echo "sanitize: ThreadSanitizer and AddressSanitizer found nothing"

fuzz-build: bootstrap
	$(SWIFT) build --product quay-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING

## bench: the SPEC §14 benchmarks, as ratios to floors measured in the same run — on the
## binaries the package ships (static Swift runtime, the same flags and build directory as make deb).
DEB_FLAGS := -c release --static-swift-stdlib --scratch-path .build-deb -Xlinker -z -Xlinker now -Xlinker -z -Xlinker relro -Xcc -D_FORTIFY_SOURCE=2
bench: bootstrap
	$(SWIFT) build $(DEB_FLAGS) --product quayd
	$(SWIFT) build $(DEB_FLAGS) --product quay
	$(SWIFT) build $(DEB_FLAGS) --product quay-bench
	.build-deb/release/quay-bench --bin .build-deb/release

## deb: var/quay_VERSION_amd64.deb — release binaries with the Swift runtime linked statically,
## the units, sysusers/tmpfiles snippets, udev rules, the default config (a conffile), man pages;
## checked with lintian (scripts/make-deb).
deb:
	@scripts/bootstrap --package
	@scripts/make-deb

## deb-test: make deb, then dpkg -i it into a throwaway root with no Swift toolchain and check
## it there (scripts/deb-test; needs root). .ci/run calls it.
deb-test: deb
	@scripts/deb-test

## install: binaries, systemd units, sysusers and tmpfiles snippets, udev rules (run as root).
install: bootstrap
	$(SWIFT) build -c release
	install -D -m 0755 $(RELEASE_BIN)/quayd $(DESTDIR)$(PREFIX)/bin/quayd
	install -D -m 0755 $(RELEASE_BIN)/quay $(DESTDIR)$(PREFIX)/bin/quay
	install -D -m 0644 systemd/quayd.service $(DESTDIR)/etc/systemd/system/quayd.service
	install -D -m 0644 systemd/quayd.socket $(DESTDIR)/etc/systemd/system/quayd.socket
	install -D -m 0644 systemd/quay.sysusers $(DESTDIR)/usr/lib/sysusers.d/quay.conf
	install -D -m 0644 systemd/quay.tmpfiles $(DESTDIR)/usr/lib/tmpfiles.d/quay.conf
	install -D -m 0644 udev/70-quay.rules $(DESTDIR)/etc/udev/rules.d/70-quay.rules
	test -e $(DESTDIR)/etc/quay/quayd.toml || install -D -m 0640 config/quayd.toml $(DESTDIR)/etc/quay/quayd.toml

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan .build-deb var
