# Two commands: `make run` (app with demo data on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check
FLASK  := $(BIN)/flask --app run

.PHONY: run test lint install install-dev assets fonts translations extract-messages db seed clean

run: install assets fonts translations db seed
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev assets fonts translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The shape of the code: ruff (pyflakes, bugbear, import order), the import layers (.importlinter)
# and bandit with no finding of medium severity or above. The test suite runs the first two too
# (tests/shape/).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r volunteer -ll

$(VENV)/.installed: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Front-end libraries come from the npm registry, pinned by package-lock.json. Pico CSS is
# compiled from its SCSS by sass (a dev dependency, pure JavaScript) with only the modules the
# pages use (static/scss/pico.scss); the optional file watcher sass could use is not installed.
static/vendor/.installed: package.json package-lock.json static/scss/pico.scss
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else echo "npm is needed for the front-end libraries: sudo apt-get install nodejs npm" >&2; exit 1; fi; }
	npm ci --include=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/pico
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
	  static/scss/pico.scss static/vendor/pico/pico.min.css
	mkdir -p static/vendor/zxing-wasm
	cp node_modules/zxing-wasm/dist/iife/reader/index.js static/vendor/zxing-wasm/zxing-reader.js
	cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm static/vendor/zxing-wasm/
	cp node_modules/zxing-wasm/LICENSE static/vendor/zxing-wasm/ 2>/dev/null || true
	mkdir -p static/vendor/echarts
	cp node_modules/echarts/dist/echarts.common.min.js static/vendor/echarts/
	cp node_modules/echarts/LICENSE static/vendor/echarts/
	touch $@

assets: static/vendor/.installed

# PDFs (posters, certificates) embed this TrueType CJK font; CJK_FONT_PATH points elsewhere.
CJK_FONT_PATH ?= /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@test -f "$(CJK_FONT_PATH)" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; \
	  else echo "PDFs need a CJK font: sudo apt-get install fonts-wqy-microhei (or set CJK_FONT_PATH)" >&2; fi; }

# Compiled only when the catalog changed, so two test runs side by side (CI) never rewrite it
# while the other reads it.
translations: install translations/zh/LC_MESSAGES/messages.mo

translations/zh/LC_MESSAGES/messages.mo: translations/zh/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -f -d translations 2>&1 | grep -v "^compiling" || true
	@test -f $@

# For developers adding strings: refresh the catalogs, then translate the new entries.
# The lazy forms of gettext and pgettext we use, beside Babel's own keywords (tests/i18n reads this line).
BABEL_KEYWORDS := -k _l -k lazy_pgettext:1c,2
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) -o translations/messages.pot --no-location --omit-header --sort-output --no-wrap .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap

db: install
	$(FLASK) db upgrade

# The demo certificate's QR code is drawn now, before the server starts: tell it where the server
# will be (PUBLIC_URL, when set, wins; 0.0.0.0 stands for this machine's 127.0.0.1).
seed: db
	FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT) $(FLASK) seed-demo

clean:
	rm -rf $(VENV) node_modules static/vendor instance/volunteer.db*
