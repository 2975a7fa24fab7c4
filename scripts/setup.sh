#!/usr/bin/env bash
# Set up everything the app (and with --test, the test suite) needs:
# Debian packages where apt exists, a .venv with pinned requirements, and the dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true

# System packages: the dataset (same list Streamlit Cloud reads), plus Chromium for browser
# tests, DejaVu fonts for the non-garment test sets (benchmarks/ood_sets.py), rsvg-convert
# for the development icon set (benchmarks/dev_set.py) and wrk for the API's load benchmark.
apt_packages=$(grep -v '^#' packages.txt | xargs)
test_packages="chromium chromium-driver fonts-noto-color-emoji fonts-dejavu-core librsvg2-bin wrk"
$for_tests && apt_packages="$apt_packages $test_packages"
if command -v apt-get >/dev/null && command -v dpkg >/dev/null; then
    missing=$(for p in $apt_packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done | xargs)
    if [ -n "$missing" ]; then
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo "Installing Debian packages: $missing"
        $sudo apt-get install -y -qq $missing >/dev/null 2>&1 \
            || { $sudo apt-get update -qq && $sudo apt-get install -y -qq $missing >/dev/null; } \
            || echo "warning: apt-get could not install $missing; falling back where possible"
    fi
fi

# Python environment: Python 3.11 when present, else python3.
python=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$python" -m venv .venv
requirements=requirements.txt
$for_tests && requirements=requirements-dev.txt
stamp=".venv/.installed-$(cat "$requirements" requirements.txt | cksum | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$requirements"
    touch "$stamp"
fi

# Dataset: found on disk (apt, $FASHION_MNIST_DIR, Keras cache) or downloaded by Keras.
.venv/bin/python -c "from fashion_cnn.training.dataset import fetch_dataset_dir as f; print('Dataset:', f())" \
    || echo "warning: Fashion-MNIST is not available; the app will say how to install it"
