#!/usr/bin/env bash
# Set up govreport on a fresh Debian machine and render the samples:
#   system packages (Pango, HarfBuzz's subsetter, CJK fonts), a virtualenv in .venv, then samples/ from inputs/.
# Idempotent: a second run installs nothing new. `--no-samples` skips the rendering (used by scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-pip
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
  fonts-noto-cjk texlive-lang-chinese   # Noto CJK; the Fandol faces (仿宋/黑体/楷体/宋体) ship in texlive-lang-chinese
  poppler-utils                         # pdftotext/pdftoppm, for looking at PDFs
  libreoffice-writer libreoffice-calc   # the tests open our DOCX and XLSX in a real office suite
  chromium                              # headless browser for the web form's tests and screenshot (/usr/bin/chromium)
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibreOffice (and anything else on this machine) asks fontconfig for the faces a DOCX names: 仿宋_GB2312, 楷体_GB2312,
# 黑体, 方正小标宋简体. Map them to the open Fandol faces (and add Fandol's folder in TeX Live's tree, which fontconfig
# does not scan by itself), so that the reports show 仿宋, 楷体, 黑体 and 宋体 shapes instead of one sans face.
FONTS_CONF_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d"
FONTS_CONF="$FONTS_CONF_DIR/65-govreport-official-faces.conf"
if ! cmp -s generator/writers/official-faces.conf "$FONTS_CONF"; then
  echo "==> fontconfig: official faces -> Fandol ($FONTS_CONF)"
  mkdir -p "$FONTS_CONF_DIR"
  cp generator/writers/official-faces.conf "$FONTS_CONF.tmp"
  mv "$FONTS_CONF.tmp" "$FONTS_CONF"
  fc-cache >/dev/null 2>&1 || true
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> python3 -m venv .venv"
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import generator, weasyprint, docx, hypothesis, pypdf, openpyxl, starlette, playwright" 2>/dev/null \
   || [ pyproject.toml -nt .venv/.installed ]; then
  echo "==> pip install -e '.[test]'"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
  touch .venv/.installed
fi

if [ "${1:-}" != "--no-samples" ]; then
  echo "==> govreport render inputs/*.yaml -o samples"
  .venv/bin/govreport render inputs/*.yaml -o samples
  echo "==> govreport render inputs/xilinhot-2021.yaml -o samples --to cms (the fragment for a CMS editor)"
  .venv/bin/govreport render inputs/xilinhot-2021.yaml -o samples --to cms
  # What the README shows: the first page of a sample PDF, and the page with table 三's results.
  SAMPLE=samples/xilinhot-2021.pdf
  echo "==> pdftoppm $SAMPLE: samples/page-1.png, samples/page-table3.png"
  pdftoppm -r 60 -f 1 -l 1 -png -singlefile "$SAMPLE" samples/page-1
  for page in $(seq 1 "$(pdfinfo "$SAMPLE" | awk '/^Pages:/ {print $2}')"); do
    text="$(pdftotext -f "$page" -l "$page" "$SAMPLE" -)"
    if [[ "${text//[[:space:]]/}" == *"（七）总计"* ]]; then
      pdftoppm -r 60 -f "$page" -l "$page" -png -singlefile "$SAMPLE" samples/page-table3
      break
    fi
  done
  echo "==> python -m generator.web.screenshot samples/web-form-error.png"
  .venv/bin/python -m generator.web.screenshot samples/web-form-error.png
  .venv/bin/python -m generator.web.screenshot samples/web-form-1366.png
  .venv/bin/python -m generator.web.screenshot samples/web-form-390.png --width 390
fi
