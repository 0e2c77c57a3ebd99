# Thin wrapper over CMake presets and npm. `make run` and `make test` are the two set-up commands.
BUILD      := build/default
ASAN_BUILD := build/asan
JOBS       ?= $(shell nproc)
DB         ?= data/demo.db
PORT       ?= 8080
# All interfaces, so phones and tablets in the hall can join; BIND=127.0.0.1 keeps it on this machine.
BIND       ?= 0.0.0.0

.PHONY: all deps deps-browser build web run test test-cpp test-web test-e2e test-asan bench fuzz format clean

all: build

deps:
	@tools/install-deps.sh

deps-browser:
	@tools/install-deps.sh --browser

$(BUILD)/CMakeCache.txt:
	cmake --preset default >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build --preset default -j $(JOBS)

web: deps
	@tools/build-web.sh

run: build web
	@mkdir -p $(dir $(DB))
	$(BUILD)/server/app/dais serve --demo --db $(DB) --bind $(BIND) --port $(PORT) --web client-web/dist

# The C++ build beside the web client's build, then ctest beside the web tests (tools/test-all.sh), with a
# summary of every part at the end.
test: deps deps-browser
	@JOBS=$(JOBS) tools/test-all.sh

# The asan test preset leaves out DescriptorExhaustion.*: under RLIMIT_NOFILE exhaustion the sanitizer runtime
# cannot open the pipe it probes memory with, and UBSan's vptr check then reports a valid object as invalid.
# The test runs in `make test`.
test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

bench: build
	@tools/bench.sh

fuzz: deps
	@tools/fuzz.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build client-web/dist
