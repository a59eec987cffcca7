"""The hardened XML reader refuses entities, DTDs and damaged documents, naming the problem."""

from __future__ import annotations

import pytest

from cobranza.statements.safexml import XmlError, local_name, parse_xml

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<lolz>&lol2;</lolz>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY ee SYSTEM "file:///etc/passwd">]><r>&ee;</r>"""


@pytest.mark.parametrize("data", [BOMB, XXE], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused_as_attacks(data: bytes) -> None:
    with pytest.raises(XmlError, match="XML bomb or external entity attack"):
        parse_xml(data, file="x.xml")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_an_xml_bomb_in_utf16_or_utf32_is_named_as_one(encoding: str) -> None:
    with pytest.raises(XmlError, match="XML bomb or external entity attack") as caught:
        parse_xml(BOMB.replace(b'<?xml version="1.0"?>', b"").decode().encode(encoding),
                  file="x.xml")
    assert caught.value.line == 3  # the first <!ENTITY>, counted in the file's own encoding


def test_a_doctype_without_entities_is_refused() -> None:
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_xml(b'<!DOCTYPE r SYSTEM "http://example.com/r.dtd"><r/>', file="x.xml")


def test_a_truncated_document_names_its_line() -> None:
    with pytest.raises(XmlError) as caught:
        parse_xml(b"<a>\n<b>1</b>\n<c>", file="x.xml")
    assert caught.value.line == 3 and "truncated" in caught.value.message
    assert str(caught.value).startswith("x.xml:3: ")


def test_latin1_bytes_declared_as_utf8_are_an_encoding_error() -> None:
    with pytest.raises(XmlError, match="not well-formed"):
        parse_xml('<?xml version="1.0" encoding="UTF-8"?><a>Peñalolén</a>'.encode("latin-1"),
                  file="x.xml")


def test_a_plain_document_reads_with_its_namespace_blind_names() -> None:
    root = parse_xml(b'<Document xmlns="urn:x"><Stmt/></Document>', file="x.xml")
    assert local_name(root) == "Document" and local_name(root[0]) == "Stmt"
