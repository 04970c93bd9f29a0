# The two commands a fresh machine needs (see README.md):
#   make demo   - install build tools, build, run the main job on the default Rutland data
#   make test   - install build tools, run the test suite
# Other targets: bench-graph (road network benchmarks), bench-care-days (the standard care days),
# fmt, clippy.

CARGO ?= cargo
# HiGHS (compiled from source by highs-sys through CMake) builds on every core, not one.
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)
OSM ?= ../shared/data/osm/rutland-2022-07-20.osm.pbf
OUT ?= out
SCENARIO ?= data/scenarios/rutland-2026-06-09.json
DATE ?= 2026-06-09

.PHONY: setup demo test bench-graph bench-care-days fmt clippy

setup:
	@bash scripts/setup.sh

demo: setup
	$(CARGO) build --release --quiet
	@mkdir -p $(OUT)
	./target/release/carerota graph build --osm $(OSM) --out $(OUT)/rutland.roads
	./target/release/carerota graph matrix --graph $(OUT)/rutland.roads --points data/bases/rutland.csv --out $(OUT)/bases-matrix.json
	@echo "matrix written to $(OUT)/bases-matrix.json"
	./target/release/carerota scenario validate $(SCENARIO) --graph $(OUT)/rutland.roads
	./target/release/carerota scenario summary $(SCENARIO)
	./target/release/carerota plan --scenario $(SCENARIO) --date $(DATE) --graph $(OUT)/rutland.roads --out $(OUT)/plan
	@echo "open $(OUT)/plan/report.html; screenshot: scripts/screenshot.sh $(OUT)/plan"

test: setup
	$(CARGO) test --all-targets

bench-graph: setup
	$(CARGO) build --release --quiet
	./target/release/carerota bench graph --osm $(OSM)

bench-care-days: setup
	$(CARGO) build --release --quiet
	python3 scripts/bench-care-days.py --seconds 10,60

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --all-targets
