# DecodeLab: thin wrappers over CMake and CTest.
#   make run    install dependencies, build, start DecodeLab on the embedded default
#   make test   install dependencies, build, run every test
#   make bench  build and run the benchmarks (figures for docs/PERFORMANCE.md)
#   make models regenerate the embedded models in assets/models (about an hour on 2 cores)
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test bench models clean

all: build

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/app/gui/decodelab

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench: build
	bash scripts/bench.sh $(BUILD_DIR)

models: configure
	bash scripts/install-deps.sh --models
	cmake --build $(BUILD_DIR) --target decodelab-export
	bash tools/train/make_models.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
