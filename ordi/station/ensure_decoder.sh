#!/bin/sh
# The scanning station's camera decodes QR codes with the browser's BarcodeDetector where it exists;
# elsewhere (Firefox, Safari before 17, desktop Chromium on Linux) with jsQR, its npm package,
# installed once into a cache folder (never into the repository) and served by the app from there
# (ORDI_VENDOR_DIR, /static/vendor/jsQR.js). Without npm the station still works (USB scanner,
# typed code); only the camera button says the camera is unavailable.
DIR="${ORDI_VENDOR_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ordi-vendor}"
if [ -f "$DIR/node_modules/jsqr/dist/jsQR.js" ]; then
  exit 0
fi
if command -v npm >/dev/null 2>&1; then
  echo "Installation de jsQR dans $DIR (caméra du poste de scan)…"
  mkdir -p "$DIR" && npm install --silent --no-audit --no-fund --prefix "$DIR" jsqr@1.4.0 >/dev/null && exit 0
fi
echo "AVERTISSEMENT : jsQR absent ; la caméra du poste de scan ne marchera que là où le navigateur a BarcodeDetector (installez npm)."
