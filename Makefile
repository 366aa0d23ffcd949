# Everything a user or CI runs goes through these targets; `make demo` and `make test` are the
# two that the README starts with. Nothing here needs more than Python 3.11+, git and make.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
CACHE := $(CURDIR)/.cache
# ansible-test only runs inside a tree that ends in ansible_collections/<namespace>/<name>.
# BUILD may point elsewhere so that two make runs in one checkout do not share a tree.
BUILD ?= $(CURDIR)/.build
COLLECTIONS := $(BUILD)/collections
TREE := $(COLLECTIONS)/ansible_collections/alimail/gateways
EMULATORS := $(CURDIR)/.emulators

# Tools call each other by name (antsibull-docs runs ansible-doc): the venv comes first.
export PATH := $(BIN):$(PATH)
# Keep every cache and temporary file of Ansible and its tools inside the project.
export ANSIBLE_HOME := $(CACHE)/ansible
export ANSIBLE_LOCAL_TEMP := $(CACHE)/ansible/tmp
export ANSIBLE_REMOTE_TMP := $(CACHE)/ansible/remote-tmp
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_LINT_SKIP_SCHEMA_UPDATE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1
# ansible-test keeps its virtual environments and pip bootstrap under ~/.ansible.
TEST_HOME := $(CACHE)/home
# A hung test fails after five minutes instead of stalling the whole run.
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider -p no:pytest-ansible --timeout 300

.PHONY: demo test venv tree lint emulator-tests sanity units integration e2e ansible-lint molecule \
	docs-lint changelog-lint ee dist bench bench-smoke emulators emulators-stop pins clean

demo: tree
	$(BIN)/python tools/with_emulators.py $(BUILD)/demo-emulators -- \
		$(BIN)/ansible-playbook -i playbooks/inventory/demo.yml playbooks/demo.yml

test: lint emulator-tests sanity units integration e2e ansible-lint molecule docs-lint changelog-lint ee dist bench-smoke
	@echo "make test: every check passed"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# A fresh copy of the tracked (and not ignored) files, so no stale file can make a check pass.
tree: venv
	rm -rf $(TREE)
	mkdir -p $(TREE)
	git ls-files -z --cached --others --exclude-standard \
		| tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C $(TREE)
	# ansible-test lists a tree's files through the enclosing git repository, which ignores .build.
	cd $(TREE) && git init -q && git add -A

lint: venv
	$(BIN)/ruff format --check --diff .
	$(BIN)/ruff check .

# The emulators' own tests; tests/unit runs under ansible-test units, which drives pytest too.
emulator-tests: tree
	cd $(TREE) && PYTHONPATH=$(COLLECTIONS) $(PYTEST) -n 2 tests/emulator/tests

sanity: tree
	HOME=$(TEST_HOME) $(BIN)/python tools/prepare_ansible_test.py
	cd $(TREE) && HOME=$(TEST_HOME) $(BIN)/ansible-test sanity --venv --python 3.11 --color no

units: tree
	cd $(TREE) && HOME=$(TEST_HOME) $(BIN)/ansible-test units --local --python 3.11 --color no

integration: tree
	cd $(TREE) && $(BIN)/python tools/with_emulators.py $(BUILD)/integration-emulators \
		--integration-config tests/integration/integration_config.yml -- \
		env HOME=$(TEST_HOME) $(BIN)/ansible-test integration --local --python 3.11 --color no

e2e: tree
	cd $(TREE) && PYTHONPATH=$(COLLECTIONS) $(PYTEST) -n 2 tests/e2e

ansible-lint: tree
	cd $(TREE) && $(BIN)/ansible-lint --offline --profile production

molecule: tree
	cd $(TREE)/extensions && $(BIN)/molecule test --all

docs-lint: tree
	cd $(TREE) && $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: tree
	cd $(TREE) && $(BIN)/antsibull-changelog lint && $(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# The build context an image builder would use; building the image itself needs a container engine.
ee: tree
	rm -rf $(CACHE)/ee
	cd $(TREE) && $(BIN)/ansible-galaxy collection build -f --output-path dist . >/dev/null
	cd $(TREE) && $(BIN)/ansible-builder create -f execution-environment.yml -c $(CACHE)/ee --output-filename Containerfile
	grep -q 'ansible-galaxy collection install' $(CACHE)/ee/Containerfile
	test -s $(CACHE)/ee/_build/collections/alimail-gateways-$$(sed -n 's/^version: //p' galaxy.yml).tar.gz

# Build the tarball users install, install it apart from the checkout, and run the demo on it.
dist: tree
	$(BIN)/python tools/check_dist.py $(TREE) $(BUILD)/dist

bench: tree
	$(BIN)/python benchmarks/run.py --out docs/performance.md

bench-smoke: tree
	$(BIN)/python benchmarks/run.py --smoke --out $(CACHE)/bench-smoke.md

emulators: tree
	PYTHONPATH=tests/emulator $(BIN)/python -m alimail_emulator start --dir $(EMULATORS)

emulators-stop: venv
	PYTHONPATH=tests/emulator $(BIN)/python -m alimail_emulator stop --dir $(EMULATORS)

# Re-pin the toolchain from requirements-dev.in in a throwaway environment.
pins:
	rm -rf $(CACHE)/pins && $(PYTHON) -m venv $(CACHE)/pins
	$(CACHE)/pins/bin/pip install -q -r requirements-dev.in
	{ sed -n '1,2p' requirements-dev.txt; $(CACHE)/pins/bin/pip freeze; } > requirements-dev.txt.new
	mv requirements-dev.txt.new requirements-dev.txt

clean:
	-PYTHONPATH=tests/emulator $(BIN)/python -m alimail_emulator stop --dir $(EMULATORS)
	rm -rf .build .cache .emulators
