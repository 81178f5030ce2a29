# MyDocker: build, install, example rootfs, tests.
# As root: `make run` = deps + build + rootfs + an interactive container; `make test` = everything the tests need, then the tests.

PREFIX   ?= /usr/local
OUT      := out
BIN      := $(OUT)/mydocker
ENGINE   := $(OUT)/mydocker-engine
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DOTNET   ?= dotnet

.PHONY: all build install rootfs run test deps clean

all: build

# Two NativeAOT binaries: the runtime `mydocker`, and the engine `mydocker-engine` that `mydocker daemon|
# container|image` runs (docs/ENGINE.md). The build fails on any warning, AOT/trim ones included.
build:
	$(DOTNET) publish src/Cli/MyDocker.Cli.csproj -c Release -r linux-x64 -o $(OUT) -p:SourceRevisionId=$(COMMIT) -nologo -v:q
	$(DOTNET) publish src/Engine/MyDocker.Engine.csproj -c Release -r linux-x64 -o $(OUT) -p:SourceRevisionId=$(COMMIT) -nologo -v:q
	@rm -f $(OUT)/*.dbg
	@ls -la $(BIN) $(ENGINE)

install: build
	install -m 0755 $(BIN) $(PREFIX)/bin/mydocker
	install -m 0755 $(ENGINE) $(PREFIX)/bin/mydocker-engine

clean:
	rm -rf $(OUT) src/*/bin src/*/obj tests/*/bin tests/*/obj

deps:
	sh scripts/install-deps.sh

# The example bundle's root filesystem, from Debian's busybox-static.
rootfs: bundles/example/rootfs/bin/busybox
bundles/example/rootfs/bin/busybox:
	sh scripts/make-rootfs.sh bundles/example/rootfs

# The main job: everything from a fresh machine to an interactive shell in a container, through the
# engine: the set-up (group and user mydocker, subordinate ids), the daemon (scripts/daemon.sh), the
# busybox image, then `mydocker container run -it --rm busybox sh`. `make daemon-stop` stops the daemon.
run: deps build install rootfs engine-setup daemon-start
	mydocker container run -it --rm busybox sh

.PHONY: engine-setup daemon-start daemon-stop
engine-setup:
	sh scripts/engine-setup.sh
daemon-start: install rootfs engine-setup
	sh scripts/daemon.sh start
daemon-stop:
	sh scripts/daemon.sh stop

# Every test: unit tests, then real containers (as root). Ends with "N passed, M failed".
test: deps build rootfs engine-setup
	sh scripts/run-tests.sh

# The soak (SOAK_CYCLES create/start/exec/kill/delete cycles, default 1000) and fault-injection tests:
# minutes long, so not part of `make test`. Ends with "N passed, M failed".
.PHONY: test-faults
test-faults: build
	sh scripts/run-fault-tests.sh

# Real engines with mydocker as their runtime: docker, podman and containerd, each started by hand on
# private paths and stopped by PID (tests/engines/run.sh). Ends with "N passed, M failed".
.PHONY: test-engines engines-deps
test-engines: build engines-deps
	timeout 900 bash tests/engines/run.sh

engines-deps:
	sh scripts/apt-install.sh test-engines docker.io containerd podman buildah runc tmux busybox-static uidmap slirp4netns

# Performance, in one run on this machine: the runtime against runc (and crun where it can run),
# bench/results/latest.md; then the engine against docker and podman, bench/results/engine.md.
# Not part of `make test`; how to read it: docs/PERFORMANCE.md. Both parts run even if one fails.
.PHONY: bench bench-smoke bench-deps
bench: build bench-deps
	rc=0; timeout 1800 bash bench/bench.sh || rc=$$?; timeout 1200 bash bench/engine.sh || rc=$$?; exit $$rc

# The same cases with 3 samples each (5 running containers for the engine's memory), for CI: every
# case must work (exit 1 on any failure, 124 on a hang), the figures mean little.
# Writes bench/results/smoke.md and bench/results/engine-smoke.md.
bench-smoke: build bench-deps
	rc=0; BENCH_ITERATIONS=3 BENCH_WARMUP=1 BENCH_OUT=bench/results/smoke.md timeout 600 bash bench/bench.sh || rc=$$?; \
	ENGINE_ITERATIONS=3 ENGINE_CONTAINERS=5 BENCH_WARMUP=1 ENGINE_OUT=bench/results/engine-smoke.md timeout 600 bash bench/engine.sh || rc=$$?; exit $$rc

bench-deps:
	sh scripts/install-bench-deps.sh

# The readers of config.json and state.json under afl-fuzz (SharpFuzz), FUZZ_SECONDS each (default 120);
# fails if a crash is found. Not part of `make test`; how to read it: fuzz/README.md.
.PHONY: fuzz
fuzz:
	sh fuzz/fuzz.sh
