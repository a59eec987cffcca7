"""The matcher compiled by mypyc (`COBRANZA_COMPILE=1`, setup.py) decides exactly as the
pure-Python one: the same status, customers, invoices, confidences and evidence for every line
of the harness's labelled feed, and the compiled modules are the ones it ran.

The project's setup.py compiles a copy of the sources (its own module list, its own mypy
settings); both builds then reconcile the same ledger in a subprocess each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MODULES = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "tool"]["cobranza"]["compile"]["modules"]

# Builds the harness's ledger and feed (small), reconciles it, prints each verdict.
_RECONCILE = """
import json, random, sys
from pathlib import Path
from bench import reconcile as R
from bench.feed import assign_clabes, make_customers, make_invoices
from cobranza.db import make_engine, unit_of_work
from cobranza.reconciliation import index, matcher
from cobranza.core import matching
from cobranza.reconciliation.service import reconcile

path = Path(sys.argv[1])
rng = random.Random(5)
customers = make_customers(rng, 600)
assign_clabes(customers, list(range(1, len(customers) + 1)), 0.25, rng)
invoices = make_invoices(rng, customers, 3000)
R.build_ledger(path, customers, invoices)
R.store_feed(path, R.make_feed(rng, customers, invoices, 1500))
engine = make_engine(f"sqlite:///{path}")
with unit_of_work(engine) as session:
    outcome = reconcile(session, org_id=1, now=R.NOW, auto=True)
print(json.dumps({
    "modules": [m.__file__ for m in (matching, matcher, index)],
    "verdicts": [[v.line.id, v.status, [[s.customer_id, list(s.invoice_ids), str(s.confidence),
                                          s.fit.kind, [list(e) for e in s.evidence]]
                                         for s in v.suggestions]]
                 for v in outcome.verdicts]}))
"""


def _compiler_missing() -> str | None:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) to build the compiled matcher"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers (Python.h) to build the compiled matcher"
    return None


def _reconcile(tmp: Path, src: Path, name: str) -> dict[str, list[object]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", _RECONCILE, str(tmp / f"{name}.db")],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_compiled_matcher_decides_as_the_pure_python_one(tmp_path: Path) -> None:
    if (missing := _compiler_missing()) is not None:
        pytest.skip(missing)
    build, plain_src = tmp_path / "build", tmp_path / "plain" / "src"
    for sources in (build / "src", plain_src):  # (without a compiled install's modules)
        shutil.copytree(ROOT / "src", sources, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    shutil.copy(ROOT / "setup.py", build)
    shutil.copy(ROOT / "pyproject.toml", build)
    made = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
                          cwd=build, env={**os.environ, "COBRANZA_COMPILE": "1"},
                          capture_output=True, text=True, timeout=900, check=False)
    assert made.returncode == 0, (made.stdout + made.stderr)[-3000:]

    compiled = _reconcile(tmp_path, build / "src", "compiled")
    plain = _reconcile(tmp_path, plain_src, "plain")

    assert [Path(m).suffix for m in compiled["modules"]] == [".so"] * len(MODULES)
    assert [Path(m).suffix for m in plain["modules"]] == [".py"] * len(MODULES)
    assert len(plain["verdicts"]) > 1000
    assert {v[1] for v in plain["verdicts"]} >= {"applied", "review", "ignored"}  # type: ignore[index]
    assert compiled["verdicts"] == plain["verdicts"]
