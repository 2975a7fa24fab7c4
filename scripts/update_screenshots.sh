#!/usr/bin/env bash
# Refresh the README's screenshots: the browser tests take them, this copies them over.
# The *-phone ones are a 390x844 phone screen, as a visitor sees it without scrolling.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest tests/test_browser.py -q
mkdir -p docs/screenshots
for name in home train-stopped explore classify-draw classify-upload \
    home-phone train-phone explore-phone classify-draw-phone classify-inside \
    explore-feature-map train-watch train-compare explore-inspect; do
    .venv/bin/python - "$name" <<'PY'
import sys
from PIL import Image

name = sys.argv[1]
image = Image.open(f"test-artifacts/{name}.png").convert("RGB")
# Crop the empty space below the content and keep the README light. The grey sidebar of
# a wide screenshot runs to the bottom: look for content right of it.
left = image.width // 4 if image.width > 1000 else 0
bbox = Image.eval(image.crop((left, 0, image.width, image.height)), lambda v: 255 - v).getbbox()
image = image.crop((0, 0, image.width, min(image.height, bbox[3] + 40)))
image.thumbnail((1100, 2000))
image.save(f"docs/screenshots/{name}.png", optimize=True)
PY
done
echo "Screenshots updated in docs/screenshots/"
