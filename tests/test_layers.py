"""The layering contracts (.importlinter) hold, and they can fail.

`.ci/run` runs `lint-imports` on the checkout; this test also runs it on a copy of the package
with one offending import added, so a contract that had stopped checking anything would show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.slow


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), str(REPO / ".importlinter"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def package_copy(tmp_path: Path) -> Path:
    """The package as installed: the stage symlinks followed, data files left out."""
    root = tmp_path / "tree"
    shutil.copytree(REPO / "brandguard", root / "brandguard", symlinks=False,
                    ignore=shutil.ignore_patterns("*.otf", "*.gz", "__pycache__", "static",
                                                  "templates", "fonts"))
    return root


def test_the_checkout_keeps_every_contract() -> None:
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout
    assert " 0 broken" in result.stdout


@pytest.mark.parametrize(("stage", "offence", "contract"), [
    ("nlp", "from brandguard import wiring", "entry points > scheduler"),
    ("crawlers", "from brandguard.pipeline import Pipeline", "entry points > scheduler"),
    ("risk", "from brandguard.alerts import dispatcher", "entry points > scheduler"),
    ("nlp", "from brandguard.store import base", "understanding never touches the store"),
    ("store", "from brandguard.risk import engine", "the core imports no stage"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, stage: str, offence: str,
                                                contract: str) -> None:
    root = package_copy(tmp_path)
    (root / "brandguard" / stage / "_offence.py").write_text(offence + "\n", encoding="utf-8")
    result = lint(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract}" in result.stdout
    assert "BROKEN" in result.stdout
