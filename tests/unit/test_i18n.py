"""Everything a collector or debtor reads has a Spanish translation."""

from __future__ import annotations

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
