"""The code base stays lint-clean and strictly typed (CONVENTIONS.md); CI runs these."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([_tool("ruff"), "check", "src", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_src() -> None:
    result = subprocess.run([_tool("mypy"), "src"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_compiled_module_is_older_than_its_source() -> None:
    # A compiled install (COBRANZA_COMPILE=1, setup.py) leaves each compiled module beside its
    # source, where Python imports it first: an edit to the source would not run.
    modules = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["cobranza"]["compile"]["modules"]
    stale = [str(built.relative_to(ROOT)) for module in modules
             for built in (ROOT / module).parent.glob(Path(module).stem + ".*.so")
             if built.stat().st_mtime < (ROOT / module).stat().st_mtime]
    assert not stale, (f"{stale} are older than their sources: install again "
                       "(COBRANZA_COMPILE=1 pip install -e ., or without it for pure Python)")
