# MyDocker: build, install, example rootfs, tests.
# `sudo make run` = deps + build + rootfs + an interactive container; `sudo make test` = everything the tests need, then the tests.

PREFIX   ?= /usr/local
OUT      := out
BIN      := $(OUT)/mydocker
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DOTNET   ?= dotnet

.PHONY: all build install rootfs run test unit-test integration-test deps clean

all: build

# NativeAOT single binary; the build fails on any warning (TreatWarningsAsErrors), AOT/trim ones included.
build:
	$(DOTNET) publish src/Cli/MyDocker.Cli.csproj -c Release -r linux-x64 -o $(OUT) -p:SourceRevisionId=$(COMMIT) -nologo -v:q
	@rm -f $(OUT)/*.dbg
	@ls -la $(BIN)

install: build
	install -m 0755 $(BIN) $(PREFIX)/bin/mydocker

clean:
	rm -rf $(OUT) src/*/bin src/*/obj tests/*/bin tests/*/obj
