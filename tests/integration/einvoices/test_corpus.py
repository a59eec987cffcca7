"""The shared corpus of real CFDI and DTE files: each is read fully or refused with a reason.

Reader level: what `read_path` gives for each file is checked against the XML itself (every
Pago, every DoctoRelacionado with ImpPagado, NumParcialidad and balances, the totals), or the
file is refused with its located reason. Import level: each file alone (`--dry-run` on an empty
ledger, since several corpus files reuse one UUID or folio for different contents) is imported,
or refused with its reason; a payment complement whose invoices are in neither the ledger nor
the import is imported, saying so for each. Then real files are imported for real: the Chilean
DTEs, and a satcfdi complement after the stamped invoice it pays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from cobranza.db import make_engine
from cobranza.einvoices.model import PaymentLine
from cobranza.einvoices.read import read_path
from cobranza.i18n import language
from cobranza.statements.safexml import parse_xml
from tests.support import cli, ok, snapshot

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
FOLDERS = ("cfdi40", "dte_cl")
NS = {"cfdi": "http://www.sat.gob.mx/cfd/4", "pago20": "http://www.sat.gob.mx/Pagos20",
      "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital"}
# The reason each group of files is refused, as its name, content or SOURCES.md note implies.
REFUSED = [
    (r"xml_attacks/", "refused as a possible XML bomb or external entity attack"),
    (r"cl-sii_aec/", "AEC"),
    (r"cl-sii_rcv/", "RCV"),
    (r"bad-cert", "not base64"),
    # CfdiUtils' tax-calculator fixtures: their DoctoRelacionado name no IdDocumento (required).
    (r"pagos20-calculator__00[567]", "names the invoice it pays by its UUID"),
    # The Anexo 20 example of every attribute, with placeholders: ImpSaldoAnt 0.00, ImpPagado
    # 1.00, ImpSaldoInsoluto 1.00, and documents paid more than the payment's Monto 0.00.
    (r"cfdv40-pagos20-all", "is not ImpSaldoInsoluto"),
    # "random nonsense values for testing", says the file: Total 1500 on a SubTotal of 1000.
    (r"cfdv40-min\.xml", "does not match SubTotal"),
    # The SAT's examples of other complements (Carta Porte, nómina, aerolíneas, ...) come as
    # type P shells; the two "ejemplo" files carry no complement at all.
    (r"satcfdi_sat_examples/", "without a Pagos 2.0 complement"),
]
# Unstamped Pagos 2.0 complements, read fully: the number their lines are known by (serie-folio,
# or issuer and Fecha without either), how many documents they pay and the sum of ImpPagado.
# Their invoices are not in the corpus (or reuse one UUID): alone, each payment waits for its
# invoice, said where it is.
PAYMENTS = {
    "cfdiutils_pagos20/tests__assets__pagos20-calculator__001.xml":
        ("PAGO-37", 5, Decimal("2534.43")),
    "cfdiutils_pagos20/tests__assets__pagos20-calculator__002.xml":
        ("P20-3", 1, Decimal("372.00")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago2_h&e951128469_ingreso_exento.xml":
        ("A-123456", 2, Decimal("30780.60")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago2_h&e951128469_ingreso_iva16.xml":
        ("A-123456", 2, Decimal("35705.50")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago2_xiqb891116qe4_ingreso_iva0.xml":
        ("A-123456", 2, Decimal("30780.60")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago_h&e951128469_ingreso_exento.xml":
        ("A-123456", 2, Decimal("30780.60")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago_h&e951128469_ingreso_iva16.xml":
        ("A-123456", 2, Decimal("35705.50")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago_xiqb891116qe4_ingreso_exento.xml":
        ("A-123456", 2, Decimal("27702.54")),
    "satcfdi_pagos20/tests__test_create_cfdi40__mpago_xiqb891116qe4_ingreso_iva0.xml":
        ("A-123456", 2, Decimal("30780.60")),
    "satcfdi_pagos20/tests__test_create_cfdi40__pago_h&e951128469_ingreso_exento.xml":
        ("A-123456", 1, Decimal("15390.30")),
    "satcfdi_pagos20/tests__test_create_cfdi40__pago_h&e951128469_ingreso_iva16.xml":
        ("A-123456", 1, Decimal("17852.75")),
    "satcfdi_pagos20/tests__test_create_cfdi40__pago_p_h&e951128469_ingreso_exento.xml":
        ("A-123456", 1, Decimal("3245.12")),
    "satcfdi_pagos20/tests__test_create_cfdi40__pago_p_h&e951128469_ingreso_iva16.xml":
        ("A-123456", 1, Decimal("3245.12")),
    "satcfdi_pagos20/tests__test_create_cfdi40__pago_p_xiqb891116qe4_ingreso_iva0.xml":
        ("A-123456", 1, Decimal("3245.12")),
    "satcfdi_pagos20/tests__test_create_cfdi40__pago_xiqb891116qe4_ingreso_iva16.xml":
        ("A-123456", 1, Decimal("14672.08")),
    "satcfdi_sat_examples/tests__cfdi_ejemplos__comprobante40__cfdv40-pagos20.xml":
        ("AAA010101AAA-2021-12-08T23:59:59", 3, Decimal("15166.65")),
}
# Stamped invoices and DTEs: one document each, imported.
DOCUMENTS = (r"satcfdi_stamped_ingreso/", r"cfdiutils/", r"cl-sii_dte/")
NOT_YET = "which is not in the ledger yet; it will settle that invoice when it is imported"
# satcfdi's complements of several Pagos pay installment 1 of one invoice in each: refused at
# import, whether that invoice is in the ledger or not yet.
PAID_TWICE = (r"satcfdi_pagos20/.*__mpago", "a second payment of the same installment is refused")


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for folder in FOLDERS for p in (CORPUS / folder).rglob("*")
                  if p.is_file() and p.name != "SOURCES.md")


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def payments_of(name: str) -> tuple[str, int, Decimal] | None:
    return PAYMENTS.get(name.removeprefix("cfdi40/"))


def expected_refusal(name: str) -> str | None:
    if payments_of(name) is not None:
        return None
    return next((reason for pattern, reason in REFUSED if re.search(pattern, name)), None)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with language("en"):
        yield


@pytest.fixture(scope="module")
def empty_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'ledger.db'}"
    ok(url, "init", "--country", "MX")
    return url


def _doctos(path: Path) -> list[tuple[object, ...]]:
    """Every DoctoRelacionado as the XML states it, with its Pago's date, in file order."""
    root = parse_xml(path.read_bytes(), file=str(path))
    found: list[tuple[object, ...]] = []
    for pago in root.iterfind("cfdi:Complemento/pago20:Pagos/pago20:Pago", NS):
        day = date.fromisoformat(pago.get("FechaPago", "")[:10])
        for doc in pago.iterfind("pago20:DoctoRelacionado", NS):
            found.append((doc.get("IdDocumento", "").upper(), doc.get("MonedaDR"),
                          Decimal(doc.get("ImpPagado", "")), int(doc.get("NumParcialidad", "")),
                          Decimal(doc.get("ImpSaldoAnt", "")),
                          Decimal(doc.get("ImpSaldoInsoluto", "")), day))
    return found


def _read(line: PaymentLine) -> tuple[object, ...]:
    return (line.target, line.currency, line.amount, line.installment, line.balance_before,
            line.balance_after, line.day)


def _check_complement(path: Path, name: str) -> None:
    parsed = read_path(path)
    expected = payments_of(name)
    assert expected is not None
    number, count, paid = expected
    assert parsed.errors == [] and parsed.documents == []
    assert [_read(line) for line in parsed.payments] == _doctos(path)
    assert [line.code for line in parsed.payments] == [f"{number}/{i}"
                                                       for i in range(1, count + 1)]
    assert {line.fiscal_id for line in parsed.payments} == {None}
    assert sum(line.amount for line in parsed.payments) == paid
    # The totals the reader checked: Σ Monto × TipoCambioP = MontoTotalPagos.
    root = parse_xml(path.read_bytes(), file=str(path))
    pagos = root.iterfind("cfdi:Complemento/pago20:Pagos/pago20:Pago", NS)
    in_mxn = sum((Decimal(p.get("Monto", "")) * Decimal(p.get("TipoCambioP", "1"))
                  for p in pagos), Decimal(0))
    stated = root.find("cfdi:Complemento/pago20:Pagos/pago20:Totales", NS)
    assert stated is not None
    assert in_mxn.quantize(Decimal("0.01")) == Decimal(stated.get("MontoTotalPagos", ""))
    [warning] = parsed.warnings
    assert f"{path}:" in warning and "the payment complement is not stamped" in warning


def _check_document(path: Path, name: str) -> None:
    assert re.search("|".join(DOCUMENTS), name), f"no expectation for {name}"
    parsed = read_path(path)
    assert parsed.errors == []
    [doc] = parsed.documents
    # A DTE paid at its issue (IdDoc FchCancel, MntCancel) carries that payment of itself.
    paid_at_issue = doc.scheme == "dte" and re.search(rb"<(FchCancel|MntCancel)>",
                                                      path.read_bytes()) is not None
    assert [(p.target, p.code) for p in parsed.payments] == (
        [(doc.fiscal_id, f"{doc.fiscal_id}/1")] if paid_at_issue else [])
    if doc.scheme == "cfdi":
        root = parse_xml(path.read_bytes(), file=str(path))
        stamp = root.find("cfdi:Complemento/tfd:TimbreFiscalDigital", NS)
        assert stamp is not None and doc.fiscal_id == stamp.get("UUID", "").upper()
        assert (doc.amount, doc.currency) == (Decimal(root.get("Total", "")), root.get("Moneda"))
        assert doc.issue_date == date.fromisoformat(root.get("Fecha", "")[:10])


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is absent ({CORPUS})")
@pytest.mark.parametrize("path", corpus_files(), ids=_id)
def test_each_corpus_file_is_read_fully_or_refused_with_its_reason(path: Path) -> None:
    name = _id(path)
    reason = expected_refusal(name)
    if reason is not None:
        parsed = read_path(path)
        assert parsed.documents == []
        assert any(reason in e.message for e in parsed.errors), parsed.errors
        assert all(e.file == str(path) for e in parsed.errors)
    elif payments_of(name) is not None:
        _check_complement(path, name)
    else:
        _check_document(path, name)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is absent ({CORPUS})")
@pytest.mark.parametrize("path", corpus_files(), ids=_id)
def test_each_corpus_file_alone_is_imported_or_refused_with_its_reason(
        path: Path, empty_ledger: str) -> None:
    name = _id(path)
    before = snapshot(empty_ledger)
    result = cli(empty_ledger, "import", "invoices", "--dry-run", str(path))
    paid = payments_of(name)
    reason = expected_refusal(name)
    if paid is not None and re.search(PAID_TWICE[0], name):
        paid, reason = None, PAID_TWICE[1]
    if paid is not None:
        assert result.exit_code == 0, result.output
        assert f"payments: {paid[1]} new" in result.stdout, result.stdout
        waiting = [w for w in result.stderr.splitlines() if NOT_YET in w]
        assert len(waiting) == paid[1]
        assert all(f"{path}:" in w and "DoctoRelacionado/IdDocumento" in w for w in waiting)
    elif reason is None:
        assert result.exit_code == 0, result.output
        assert re.search(r"(invoices|credit notes): 1 new", result.stdout), result.stdout
    else:
        assert result.exit_code == 2, result.output
        assert reason in result.stderr, result.stderr
        assert f"{path}:" in result.stderr  # located: file:line: field: message
    assert snapshot(empty_ledger) == before


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is absent ({CORPUS})")
def test_a_satcfdi_complement_is_imported_after_the_stamped_invoice_it_pays(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mx.db'}"
    ok(url, "init", "--country", "MX")
    cfdi40 = CORPUS / "cfdi40"
    invoice = (cfdi40 / "satcfdi_stamped_ingreso"
               / "tests__invoices__h&e951128469_ingreso_iva16_stamped.xml")
    complement = (cfdi40 / "satcfdi_pagos20"
                  / "tests__test_create_cfdi40__pago_h&e951128469_ingreso_iva16.xml")
    ok(url, "import", "invoices", str(invoice))
    result = ok(url, "import", "invoices", str(complement))
    assert "payments: 1 new" in result.stdout
    assert "the payment complement is not stamped" in result.stderr
    again = ok(url, "import", "invoices", str(complement))
    assert "payments: 0 new, 0 updated, 1 unchanged" in again.stdout
    # Paid in full: ImpPagado 17852.75 MXN, ImpSaldoInsoluto 0.
    engine = make_engine(url)
    with engine.connect() as conn:
        settled = conn.execute(text(
            "SELECT i.number, i.amount, p.code, p.fiscal_id, SUM(a.amount) FROM allocations a "
            "JOIN invoices i ON i.id = a.invoice_id JOIN payments p ON p.id = a.payment_id "
            "GROUP BY i.number, i.amount, p.code, p.fiscal_id")).all()
    engine.dispose()
    assert [tuple(r) for r in settled] == [("A-123456", 1785275, "A-123456/1", None, 1785275)]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is absent ({CORPUS})")
def test_the_chilean_dtes_import_and_import_again_unchanged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cl.db'}"
    ok(url, "init", "--country", "CL")
    folder = CORPUS / "dte_cl" / "cl-sii_dte"
    for stem in ("DTE--60910000-1--33--2336600", "DTE--76399752-9--33--25568",
                 "DTE--96670340-7--61--110616", "DTE--76354771-K--33--170--cleaned"):
        path = folder / f"src__tests__test_data__sii-dte__{stem}.xml"
        ok(url, "import", "invoices", str(path))
        again = ok(url, "import", "invoices", str(path))
        assert "0 new, 0 updated" in again.stdout
