"""The matcher's hot modules compiled to C by mypyc when `COBRANZA_COMPILE=1` at install
(the list: `[tool.cobranza.compile]` in pyproject.toml); else a pure-Python package.

Compiled, the same code matches a bank line in about three quarters of the time
(docs/benchmarks.md, ninth round). An editable install then puts the compiled modules beside
their sources, where they take precedence: after editing one, install again
(tests/test_quality.py checks).
"""

import os
import tomllib
from pathlib import Path

from setuptools import setup

MODULES = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))[
    "tool"]["cobranza"]["compile"]["modules"]

ext_modules = []
if os.environ.get("COBRANZA_COMPILE") == "1":
    from mypyc.build import mypycify

    ext_modules = mypycify(MODULES, opt_level="3", group_name="cobranza")
else:
    # A plain install after a compiled one: the compiled modules left beside the sources
    # would still be imported instead of them.
    for stale in [*Path("src").glob("cobranza__mypyc.*"),
                  *(p for m in MODULES for p in Path(m).parent.glob(Path(m).stem + ".*.so"))]:
        stale.unlink()
setup(ext_modules=ext_modules)
