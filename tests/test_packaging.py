"""What `pip install .` puts on a machine: one import name, `brandguard`, and a tree that works alone.

The wheel is built from this checkout (no network: `--no-deps`, the build backend is already in
the venv) and installed into a scratch folder; the interpreter then runs from another directory,
so the checkout's own top-level folders (`nlp/`, `crawlers/`, ...) are not on its path.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STAGES = ("crawlers", "nlp", "risk", "alerts")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("brandguard-*.whl")
    return built


def test_the_only_top_level_name_is_brandguard(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"brandguard"}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for stage in STAGES:
        assert f"brandguard/{stage}/__init__.py" in names
    assert "brandguard/nlp/models/default.json.gz" in names  # package data moved with its package
    assert "brandguard/example_config/brands.yaml" in names  # the demo runs installed, too
    assert "brandguard/example_config/demo/sources.yaml" in names


def test_the_installed_tree_imports_under_the_namespace_only(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    for stage in STAGES:
        bare = subprocess.run([sys.executable, "-c", f"import {stage}"], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=60)
        assert bare.returncode != 0, stage
        assert "ModuleNotFoundError" in bare.stderr
    probe = ("import brandguard.nlp.analyzer as a, brandguard.crawlers.crawl_process as c; "
             "print(a.__file__); print(c.__file__); print(a.default_model_path().is_file())")
    found = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    first, second, model = found.stdout.split()
    assert first.startswith(str(target))
    assert second.startswith(str(target))
    assert model == "True"
