#!/bin/sh
# The scanning-station tests drive Debian's Chromium (Playwright-style browser downloads do not
# work everywhere). Install it when we can; otherwise those tests skip locally and fail in CI.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation de Chromium et ChromeDriver (tests du poste de scan)…"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    && exit 0
fi
echo "AVERTISSEMENT : Chromium absent ; les tests du poste de scan seront sautés (installez chromium et chromium-driver)."
