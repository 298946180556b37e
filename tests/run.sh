#!/usr/bin/env bash
# The README's test command: install ecgtf with its test extras (and JUnit 4 for the Android
# demo's Java core, when missing and apt-get is available), lint with ruff, build the docs site strictly, then run
# the whole suite on two workers.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[test,docs]"
if [ ! -f /usr/share/java/junit4.jar ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && apt-get install -y -qq junit4 default-jdk-headless) >/dev/null 2>&1 \
    || echo "warning: could not install junit4; the Java core tests will be skipped" >&2
fi
python -m ruff check .          # lint settings: pyproject.toml
NO_MKDOCS_2_WARNING=1 python -m mkdocs build --strict --quiet --site-dir "$(mktemp -d)"   # the docs site (mkdocs.yml)
python -m pytest -q -n 2 tests "$@"   # two workers (pytest-xdist): the 2-core CI machine, ~1.45x faster
