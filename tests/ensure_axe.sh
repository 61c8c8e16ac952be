#!/bin/sh
# The web pages' accessibility check runs axe-core (its npm package) inside the Chromium tests.
# Installed once into a cache folder, never into the repository; without npm the check is skipped
# locally and fails in CI.
DIR="${ORDI_AXE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ordi-axe}"
if [ -f "$DIR/node_modules/axe-core/axe.min.js" ]; then
  exit 0
fi
if command -v npm >/dev/null 2>&1; then
  echo "Installation d'axe-core dans $DIR (tests d'accessibilité)…"
  mkdir -p "$DIR" && npm install --silent --no-audit --no-fund --prefix "$DIR" axe-core@4 >/dev/null && exit 0
fi
echo "AVERTISSEMENT : axe-core absent ; les contrôles d'accessibilité seront sautés (installez npm)."
