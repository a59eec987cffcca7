"""setuptools' build backend, which also installs mypyc and the libraries it type-checks
against when the matcher is compiled (`COBRANZA_COMPILE=1`, see setup.py).

Without it, setuptools' own backend, unchanged: a plain install needs no compiler.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (the rest of the backend, unchanged)

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _compiling() -> list[str]:
    """mypy (mypyc comes with it) and the libraries the compiled modules import, with the
    project's own version ranges (`[tool.cobranza.compile] typed-by`)."""
    project = tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))
    wanted = set(project["tool"]["cobranza"]["compile"]["typed-by"])
    pinned = [*project["project"]["dependencies"],
              *project["project"]["optional-dependencies"]["test"]]
    return [spec for spec in pinned if re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0] in wanted]


def _requires(ask: Callable[[Any], list[str]], config_settings: Any) -> list[str]:
    compiling = os.environ.pop("COBRANZA_COMPILE", None)
    try:
        # setuptools runs setup.py to list its own needs: without mypyc, not there yet.
        needs = ask(config_settings)
    finally:
        if compiling is not None:
            os.environ["COBRANZA_COMPILE"] = compiling
    return needs + (_compiling() if compiling == "1" else [])


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    return _requires(_setuptools.get_requires_for_build_wheel, config_settings)


def get_requires_for_build_editable(config_settings: Any = None) -> list[str]:
    return _requires(_setuptools.get_requires_for_build_editable, config_settings)
