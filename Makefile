# The two commands of the README. Both create .venv when it is missing and install into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The local copy of the publishers' files; without one, make demo fetches from the publishers.
MIRROR ?= $(wildcard ../shared/data)
DEMO_HOME := $(CURDIR)/.shadowtrade
OUT    := out
ST     := SHADOWTRADE_HOME=$(DEMO_HOME) $(BIN)/shadowtrade --quiet

.PHONY: install demo test test-all test-slow clean system-deps compile clean-compiled

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

install: $(STAMP)

# The screening scorer compiled to C with mypyc (needs a C compiler): batches about 1.5x as fast.
# An edited source runs as Python until compiled again (src/shadowtrade/screening/compiled.py).
compile: $(STAMP)
	SHADOWTRADE_COMPILE=1 $(BIN)/python setup.py --quiet build_ext --inplace

clean-compiled:
	rm -f src/shadowtrade/screening/*.so src/shadowtrade/screening/compiled_sources.json
	rm -rf build/temp.* build/shadowtrade build/__native_*

demo: $(STAMP)
	@mkdir -p $(OUT)
ifneq ($(MIRROR),)
	$(ST) data load --mirror $(MIRROR)
	$(ST) lists load --mirror $(MIRROR)
else
	$(ST) data fetch baci
	$(ST) data fetch atlas
	$(ST) data load $(DEMO_HOME)/downloads/*
	$(ST) lists fetch --load
endif
	$(ST) data status
	$(ST) flows --exporter CHN --importer RUS --years 2017-2023
	$(ST) report corridor CHN RUS --years 2017-2023 --out $(OUT)/corridor-chn-rus.html
	$(ST) report corridor RUS CHN --out $(OUT)/corridor-rus-chn.html
	@# Eurostat's relational view comes with the mirror (Comext bulk files are not read yet)
	if [ -n "$(MIRROR)" ]; then $(ST) report partners EU27 RUS,ARM,GEO,KAZ,KGZ,UZB --source eurostat \
	  --years 2019-2024 --title "EU27 exports to Russia and its neighbours" \
	  --out $(OUT)/eu27-russia-neighbours.html; fi
	$(ST) brief country PRK --out $(OUT)/brief-country-prk.html --pdf $(OUT)/brief-country-prk.pdf
	$(ST) brief corridor CHN RUS --out $(OUT)/brief-corridor-chn-rus.html
	@for deal in examples/*.yaml; do \
	  name=$$(basename $$deal .yaml); \
	  $(ST) assess $$deal --out $(OUT)/assess-$$name.html --pdf $(OUT)/assess-$$name.pdf || exit 1; \
	done
	@echo; echo "Reports and briefs written to $(OUT)/:"; ls -1 $(OUT)

# Headless Chromium and poppler (Debian packages) for the tests that render briefs.
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; } || \
	  echo "chromium/poppler missing and not installable here: browser tests will be skipped"

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q --doctest-modules src/shadowtrade
	$(BIN)/python -m pytest -q -m "not slow" tests

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m "slow" tests

test-all: $(STAMP) system-deps
	$(BIN)/python -m pytest -q --doctest-modules src/shadowtrade
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(VENV) $(OUT) $(DEMO_HOME)
