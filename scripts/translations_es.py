"""Spanish catalogs: writes src/cobranza/locale/es/LC_MESSAGES/<area>.po from scripts/translations/.

Each module in scripts/translations/ holds one area's `ES` dict (English msgid -> Spanish; plurals
as (singular, plural) tuples). Run after adding a message: `python scripts/translations_es.py`.
tests/unit/test_i18n.py fails when a msgid in the code has no Spanish.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = Path(__file__).resolve().parent / "translations"
TARGET = ROOT / "src" / "cobranza" / "locale" / "es" / "LC_MESSAGES"


def _entries(path: Path) -> dict[object, object]:
    spec = importlib.util.spec_from_file_location(f"translations_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entries: dict[object, object] = module.ES
    return entries


def write_catalog(area: str, entries: dict[object, object]) -> Path:
    """Write one area's catalog; every plural form is filled."""
    # A fixed date: regenerating unchanged catalogs leaves them byte for byte the same.
    catalog = Catalog(locale="es", project="cobranza", fuzzy=False,
                      creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for msgid, msgstr in entries.items():
        if isinstance(msgstr, tuple):
            # Babel >= 2.19 gives Spanish three plural forms (one, many, other); "many" (a
            # multiple of a million) reads like "other", and an empty form would show English.
            msgstr = msgstr + (msgstr[-1],) * (catalog.num_plurals - len(msgstr))
        catalog.add(msgid, msgstr)
    target = TARGET / f"{area}.po"
    with target.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, width=100)
    return target


def main() -> int:
    """Write every area's catalog."""
    for source in sorted(SOURCES.glob("*.py")):
        entries = _entries(source)
        target = write_catalog(source.stem, entries)
        print(f"wrote {len(entries)} messages to {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
