"""The layout's import rules, pyproject.toml's import-linter contracts: they hold, and they
catch what they are for (a copy of the code with one bad import added breaks them)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_app import ROOT

LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )


def test_the_repository_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        ("fashion_cnn/serving/preprocess.py", "import fashion_cnn.training.fit", "never loads"),
        ("pages/views/shared.py", "import keras", "never loads"),
        ("fashion_cnn/ui/wording.py", "import streamlit", "never imports Streamlit"),
        ("fashion_cnn/common/data.py", "from fashion_cnn.serving import mistakes", "Layers"),
        ("fashion_cnn/serving/verdict.py", "from fashion_cnn.serving import inside", "cycles"),
    ],
)
def test_a_bad_import_breaks_its_contract(tmp_path, module, bad_import, broken):
    for name in ("fashion_cnn", "pages"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert lint_imports(tmp_path).returncode == 0  # the copy as it is keeps them all
    with open(tmp_path / module, "a") as f:
        f.write(f"\n{bad_import}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    broken_part = result.stdout.split("Broken contracts", 1)[1]
    assert broken in broken_part, result.stdout[-3000:]
