# loginrec — the two commands: `make run` and `make check`.
# Both install missing Debian packages first (scripts/deps.sh, apt only).

BUILD      ?= build
BENCH_BUILD ?= build-release
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
WIN_BUILD  ?= build-win
DEB_BUILD  ?= build-deb
PREFIX     ?= /usr/local
FUZZ_SECONDS ?= 30
CHECK_FUZZ_SECONDS ?= 10
LISTEN     ?= 127.0.0.1:8080
DB         ?= var/loginrec.db
CMAKE_GEN  := -G Ninja

.PHONY: all deps build run check test test-pg asan fuzz bench clean windows install deb

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLR_WERROR=ON >/dev/null
	@cmake --build $(BUILD)

run: build
	@sh scripts/run.sh "$(BUILD)" "$(DB)" "$(LISTEN)"

CTEST_JOBS ?= 2

# the programs, systemd units and users, /etc/loginrec/loginrecd.conf (kept
# if there) and man pages under PREFIX; DESTDIR=DIR stages them instead
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# build-deb/loginrec_VERSION_ARCH.deb: a Release build with Debian's
# hardening flags, packed by dpkg-deb, then checked by lintian
deb: deps
	@DEB_BUILD_MAINT_OPTIONS=hardening=+all; export DEB_BUILD_MAINT_OPTIONS; \
	 CFLAGS="$$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	 LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" \
	 cmake -S . -B $(DEB_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DLR_WERROR=ON >/dev/null
	@cmake --build $(DEB_BUILD) --target loginrecd loginrec loginrec-agent loginrec-evtx man_pages
	@deb=$$(sh scripts/deb.sh $(DEB_BUILD) $(DEB_BUILD)) && lintian --fail-on error "$$deb" && echo "deb: $$deb"

# loginrec-agent.exe for Windows (mingw-w64; jansson from Debian's source
# package, scripts/win-jansson.sh), in $(WIN_BUILD)/
windows: deps
	@bash scripts/win-jansson.sh "$(abspath $(WIN_BUILD))/jansson" "$(abspath windows/mingw-w64.cmake)"
	@cmake -S windows -B $(WIN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_TOOLCHAIN_FILE=$(abspath windows/mingw-w64.cmake) \
		-DJANSSON_DIR=$(abspath $(WIN_BUILD))/jansson >/dev/null
	@cmake --build $(WIN_BUILD)

# the release build: unit, e2e (SQLite; the Windows agent under Wine),
# valgrind, browser and lint tests
test: build windows
	@cd $(BUILD) && ctest --output-on-failure -j $(CTEST_JOBS) -LE postgres

asan: deps
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DLR_WERROR=ON -DLR_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(CTEST_JOBS) -L 'unit|postgres'

# every e2e script on PostgreSQL with the release build (make check runs
# them under the sanitizers instead: see asan)
test-pg: build
	@cd $(BUILD) && ctest --output-on-failure -j $(CTEST_JOBS) -L postgres

check: test asan
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	@echo "check: all tests passed (release build: unit, e2e on SQLite, e2e under valgrind memcheck, browser; ASan/UBSan build: unit on SQLite, unit and e2e on PostgreSQL; $(CHECK_FUZZ_SECONDS)s of each fuzz target)"

# libFuzzer targets (tests/fuzz) built with clang, each run FUZZ_SECONDS.
fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLR_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) --target fuzz_targets
	@sh scripts/fuzz.sh "$(FUZZ_BUILD)" "$(FUZZ_SECONDS)"

# benchmarks: a Release build of its own; figures in $(BUILD)/bench/results.json
bench: deps
	@sh scripts/deps.sh bench
	@cmake -S . -B $(BENCH_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DLR_WERROR=ON >/dev/null
	@cmake --build $(BENCH_BUILD)
	@sh bench/run.sh "$(BENCH_BUILD)" "$(BUILD)/bench"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD) $(WIN_BUILD) $(DEB_BUILD)
