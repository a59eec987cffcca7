"""Everything a collector or debtor reads has a Spanish translation."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cobranza.i18n import _, language

SRC = Path(__file__).resolve().parents[2] / "src" / "cobranza"


def _spanish_ids() -> set[str]:
    ids: set[str] = set()
    for po in (SRC / "locale" / "es" / "LC_MESSAGES").glob("*.po"):
        for message in read_po(io.BytesIO(po.read_bytes())):
            if message.id and message.string:
                ids.add(message.id if isinstance(message.id, str) else message.id[0])
    return ids


def test_every_message_in_the_code_has_a_spanish_translation() -> None:
    spanish = _spanish_ids()
    missing = sorted(
        (msgid if isinstance(msgid, str) else msgid[0])
        for _file, _line, msgid, _comments, _context in extract_from_dir(
            str(SRC), keywords={"_": None, "ngettext": (1, 2)},
            method_map=[("**.py", "python")])
        if (msgid if isinstance(msgid, str) else msgid[0]) not in spanish)
    assert missing == []


def test_spanish_is_the_default_and_english_is_available() -> None:
    with language("es"):
        assert _("Customer") == "Cliente"
    with language("en"):
        assert _("Customer") == "Customer"
    with language("es_CL.UTF-8"):
        assert _("{n} customers", n=3) == "3 clientes"


def test_no_message_is_translated_two_ways_in_two_catalogs() -> None:
    """Catalogs are merged: the same msgid with two translations would depend on file order."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in sorted((SRC / "locale" / "es" / "LC_MESSAGES").glob("*.po")):
        for message in read_po(io.BytesIO(po.read_bytes())):
            if not message.id or not message.string:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string if isinstance(message.string, str) else message.string[0]
            if key in seen and seen[key][1] != text:
                clashes.append((key, seen[key], (po.name, text)))
            seen.setdefault(key, (po.name, text))
    assert clashes == []


def test_the_catalogs_are_what_the_translation_script_writes() -> None:
    # scripts/translations_es.py writes each catalog from scripts/translations/<area>.py: a
    # message added to a catalog by hand would be lost the next time it runs.
    scripts = SRC.parents[1] / "scripts"
    spec = importlib.util.spec_from_file_location("translations_es", scripts / "translations_es.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    catalogs = sorted((SRC / "locale" / "es" / "LC_MESSAGES").glob("*.po"))
    assert [po.stem for po in catalogs] == sorted(
        p.stem for p in (scripts / "translations").glob("*.py"))
    for po in catalogs:
        written = {(m.id if isinstance(m.id, str) else m.id[0]):
                   (m.string if isinstance(m.string, str) else m.string[0])
                   for m in read_po(io.BytesIO(po.read_bytes())) if m.id}
        source = {(k if isinstance(k, str) else k[0]): (v if isinstance(v, str) else v[0])
                  for k, v in module._entries(scripts / "translations" / f"{po.stem}.py").items()}
        assert written == source, po.name
