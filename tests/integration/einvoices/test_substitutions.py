"""CFDI substitution (CfdiRelacionados, TipoRelacion 04) across imports: the ledger remembers which
CFDI a stored invoice substitutes, so a cancelled one that arrives later is never owed again."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from alembic import command

from cobranza.db import _alembic_config, make_engine
from tests.integration.einvoices.test_import import SUBSTITUTE, UUID_SUBSTITUTE, rows
from tests.support import aging_json, cli, ok
from tests.unit.einvoices.builders import (
    CUSTOMER_RFC,
    ORG_RFC,
    UUID_A,
    UUID_B,
    UUID_NC,
    UUID_PAY,
    Docto,
    Pago,
    cfdi,
    pagos,
)

ORIGINAL = cfdi()  # A-1, 1,160.00, cancelled at the SAT and reissued as A-2 (1,044.00)
# 300.00 paid on the substitute, A-2.
PAID = pagos(payments=[Pago("300.00", [Docto(UUID_SUBSTITUTE, "300.00", "1044.00")])])
# NC-1: A-1 credited 116.00; it was cancelled and reissued as NC-2, for 92.80.
CREDITED = cfdi(uuid=UUID_NC, tipo="E", serie="NC", folio="1", subtotal="100.00",
                traslados="16.00", total="116.00", metodo="PUE", related=[UUID_A],
                fecha="2026-01-25T09:00:00")
UUID_NC2 = "66666666-6666-4666-8666-666666666666"
# A complement and a credit note naming the cancelled A-1.
PAID_CANCELLED = pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])
CREDITED_CANCELLED = CREDITED
CREDITED_AGAIN = cfdi(uuid=UUID_NC2, tipo="E", serie="NC", folio="2", subtotal="80.00",
                      traslados="12.80", total="92.80", metodo="PUE", related=[UUID_A],
                      replaces=[UUID_NC], fecha="2026-01-28T09:00:00")
TABLES = ("customers", "invoices", "credit_notes", "payments", "allocations",
          "invoice_substitutions")


@pytest.fixture
def ledger(db_url: str) -> str:
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    return db_url


def write(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    return str(tmp_path / name)


def digest(db: str) -> str:
    return hashlib.sha256(repr([rows(db, f"SELECT * FROM {t} ORDER BY id") for t in TABLES])
                          .encode()).hexdigest()


def balance(db: str) -> list[tuple[str, str, str]]:
    """Each customer's open balance and unapplied credit, as the aging report gives them."""
    report = aging_json(db, "2026-03-31")
    return [(cur, c["total"], c["unapplied"]) for cur, group in report["currencies"].items()
            for c in group["customers"]]


def test_an_invoice_imported_after_its_substitute_is_skipped_with_a_located_warning(
        ledger: str, tmp_path: Path) -> None:
    first = ok(ledger, "import", "invoices", write(tmp_path, "a2.xml", SUBSTITUTE))
    assert re.search(re.escape(str(tmp_path / "a2.xml")) + r":\d+: CfdiRelacionado/UUID: "
                     + re.escape(f"A-2 substitutes CFDI {UUID_A}, which is not in the ledger; "
                                 "the ledger remembers it as cancelled, so it will be skipped "
                                 "if it is imported later"), first.stderr)
    assert rows(ledger, "SELECT fiscal_id, invoice_number FROM invoice_substitutions") == [
        (UUID_A, "A-2")]
    late = ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    # Located at the invoice, as when it is left out of the import that brings its substitute.
    assert re.search(re.escape(str(tmp_path / "a.xml")) + r":\d+: " + re.escape(
        f"invoice A-1 ({UUID_A}) is substituted by A-2, in the ledger (CfdiRelacionados, "
        "TipoRelacion 04): not imported"), late.stderr)
    assert "invoices: 0 new, 0 updated, 0 unchanged" in late.stdout
    assert rows(ledger, "SELECT number FROM invoices") == [("A-2",)]
    assert rows(ledger, "SELECT COUNT(*) FROM credit_notes") == [(0,)]


@pytest.mark.parametrize("order", [("a2.xml", "pay.xml", "a.xml"),  # substitute first
                                   ("a.xml", "a2.xml", "pay.xml")],  # original first
                         ids=["substitute-first", "original-first"])
def test_the_original_and_its_substitute_leave_the_same_balance_in_either_order(
        ledger: str, tmp_path: Path, order: tuple[str, ...]) -> None:
    files = {"a.xml": ORIGINAL, "a2.xml": SUBSTITUTE, "pay.xml": PAID}
    for name in order:
        ok(ledger, "import", "invoices", write(tmp_path, name, files[name]))
    # A-2 (1,044.00) less the 300.00 paid on it; the cancelled A-1 is owed nothing.
    assert balance(ledger) == [("MXN", "744.00", "0.00")]
    assert rows(ledger, "SELECT fiscal_id, invoice_number FROM invoice_substitutions") == [
        (UUID_A, "A-2")]
    before = digest(ledger)
    for name in order:  # the same files again, in the same order and all at once
        ok(ledger, "import", "invoices", str(tmp_path / name))
    ok(ledger, "import", "invoices", str(tmp_path))
    assert digest(ledger) == before
    assert balance(ledger) == [("MXN", "744.00", "0.00")]


def test_a_substitute_imported_again_records_what_it_substitutes_once(
        ledger: str, tmp_path: Path) -> None:
    path = write(tmp_path, "a2.xml", SUBSTITUTE)
    ok(ledger, "import", "invoices", path)
    before = digest(ledger)
    ok(ledger, "import", "invoices", path)
    assert digest(ledger) == before


def test_a_dry_run_does_not_record_the_substitution(ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", "--dry-run", write(tmp_path, "a2.xml", SUBSTITUTE))
    assert rows(ledger, "SELECT COUNT(*) FROM invoice_substitutions") == [(0,)]


@pytest.mark.parametrize("where", ["ledger", "both-in-ledger", "import"])
def test_a_payment_of_a_cancelled_invoice_after_its_substitute_is_kept_with_a_warning(
        ledger: str, tmp_path: Path, where: str) -> None:
    # The SAT does not cancel an invoice a valid complement pays: one naming it was likely
    # cancelled too. Imported before the substitute, it is kept and what it paid goes on
    # (SUST-); so it is kept after it too, and in one folder with it (DOMAIN.md: any order):
    # it neither revives A-1 nor pays A-2 by name; its money goes to the open invoices.
    (tmp_path / "xml").mkdir()
    if where == "both-in-ledger":
        ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    if where != "import":
        ok(ledger, "import", "invoices", write(tmp_path, "a2.xml", SUBSTITUTE))
    else:
        write(tmp_path / "xml", "a2.xml", SUBSTITUTE)
        write(tmp_path / "xml", "a.xml", ORIGINAL)
    pay = write(tmp_path / "xml", "pay.xml", PAID_CANCELLED)
    result = ok(ledger, "import", "invoices",
                pay if where != "import" else str(tmp_path / "xml"))
    assert re.search(r"pay\.xml:\d+: DoctoRelacionado/IdDocumento: " + re.escape(
        f"the payment is for CFDI {UUID_A}, cancelled and substituted by invoice A-2 "
        "(CfdiRelacionados, TipoRelacion 04): it pays nothing of A-2 by name, and its money "
        "goes to the customer's open invoices, as what was paid on a cancelled invoice does; "
        "the SAT cancels no CFDI a valid complement pays: check whether the complement was "
        "cancelled too"), " ".join(result.stderr.split()))  # as said, unwrapped
    # Its ImpSaldoAnt is what the cancelled invoice owed, not compared with the ledger.
    assert "ImpSaldoAnt" not in result.stderr
    # Named as it would be had it come before the substitute: the stored A-1, else its UUID.
    assert rows(ledger, "SELECT invoice_numbers FROM payments") == [
        ("A-1" if where == "both-in-ledger" else UUID_A,)]
    assert balance(ledger) == [("MXN", "744.00", "0.00")]


@pytest.mark.parametrize("original", [False, True], ids=["never-imported", "stored"])
def test_a_credit_note_on_a_cancelled_invoice_after_its_substitute_is_kept_with_a_warning(
        ledger: str, tmp_path: Path, original: bool) -> None:
    if original:
        ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    ok(ledger, "import", "invoices", write(tmp_path, "a2.xml", SUBSTITUTE))
    result = ok(ledger, "import", "invoices", write(tmp_path, "nc.xml", CREDITED_CANCELLED))
    assert re.search(r"nc\.xml:\d+: CfdiRelacionado/UUID: " + re.escape(
        f"the credit note relates to CFDI {UUID_A}, cancelled and substituted by invoice A-2 "
        "(CfdiRelacionados, TipoRelacion 04): it credits nothing of A-2 by name, and is "
        "applied to the customer's open invoices, as what a cancelled invoice was credited "
        "is; the SAT cancels no CFDI another valid one relates to: check whether the credit "
        "note was cancelled too"), " ".join(result.stderr.split()))
    assert rows(ledger, "SELECT number, invoice_number FROM credit_notes "
                        "WHERE number = 'NC-1'") == [("NC-1", "A-1" if original else UUID_A)]
    assert balance(ledger) == [("MXN", "928.00", "0.00")]



def test_substitutes_imported_before_migration_0006_are_recorded_when_imported_again(
        tmp_path: Path, ledger: str) -> None:
    path = write(tmp_path, "a2.xml", SUBSTITUTE)
    ok(ledger, "import", "invoices", path)
    engine = make_engine(ledger)
    command.downgrade(_alembic_config(engine), "0005")
    engine.dispose()
    ok(ledger, "init")  # brings the database up to date: the relation was never stored
    assert rows(ledger, "SELECT COUNT(*) FROM invoice_substitutions") == [(0,)]
    before = rows(ledger, "SELECT * FROM invoices")
    ok(ledger, "import", "invoices", path)
    assert rows(ledger, "SELECT fiscal_id, invoice_number FROM invoice_substitutions") == [
        (UUID_A, "A-2")]
    assert rows(ledger, "SELECT * FROM invoices") == before
    late = ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    assert "is substituted by A-2, in the ledger" in late.stderr
    assert rows(ledger, "SELECT c.code, i.number FROM invoices i JOIN customers c "
                        "ON c.id = i.customer_id") == [(CUSTOMER_RFC, "A-2")]


def test_the_spanish_warning_says_which_stored_invoice_substitutes_it(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "a2.xml", SUBSTITUTE))
    late = cli(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL), lang="es")
    assert late.exit_code == 0
    assert f"la factura A-1 ({UUID_A}) está sustituida por A-2, en el libro" in late.stderr



@pytest.mark.parametrize("order", [("a.xml", "nc.xml", "nc2.xml"),  # cancelled one first
                                   ("a.xml", "nc2.xml", "nc.xml")],  # substitute first
                         ids=["cancelled-first", "substitute-first"])
def test_a_reissued_credit_note_replaces_the_cancelled_one_in_either_order(
        ledger: str, tmp_path: Path, order: tuple[str, ...]) -> None:
    files = {"a.xml": ORIGINAL, "nc.xml": CREDITED, "nc2.xml": CREDITED_AGAIN}
    results = [ok(ledger, "import", "invoices", write(tmp_path, name, files[name]))
               for name in order]
    # A-1 (1,160.00) less NC-2's 92.80 only: the cancelled NC-1 credits nothing.
    assert balance(ledger) == [("MXN", "1067.20", "0.00")]
    assert rows(ledger, "SELECT number FROM credit_notes") == [("NC-2",)]
    if order[1] == "nc.xml":
        assert re.search(re.escape(str(tmp_path / "nc2.xml")) + r":\d+: " + re.escape(
            f"credit note NC-1 ({UUID_NC}) is substituted by NC-2 (CfdiRelacionados, "
            "TipoRelacion 04): removed from the ledger"), results[2].stderr)
    else:
        assert re.search(re.escape(str(tmp_path / "nc.xml")) + r":\d+: " + re.escape(
            f"credit note NC-1 ({UUID_NC}) is substituted by NC-2, in the ledger "
            "(CfdiRelacionados, TipoRelacion 04): not imported"), results[2].stderr)
    before = digest(ledger)
    for name in order:  # the same files again, one by one and all at once
        ok(ledger, "import", "invoices", str(tmp_path / name))
    ok(ledger, "import", "invoices", str(tmp_path))
    assert digest(ledger) == before


def test_a_credit_note_and_its_substitute_in_one_folder_import_the_substitute(
        ledger: str, tmp_path: Path) -> None:
    (tmp_path / "xml").mkdir()
    for name, data in {"a.xml": ORIGINAL, "nc.xml": CREDITED, "nc2.xml": CREDITED_AGAIN}.items():
        write(tmp_path / "xml", name, data)
    result = ok(ledger, "import", "invoices", str(tmp_path / "xml"))
    assert (f"credit note NC-1 ({UUID_NC}) is substituted by NC-2 (CfdiRelacionados, "
            "TipoRelacion 04): not imported") in result.stderr
    assert balance(ledger) == [("MXN", "1067.20", "0.00")]
    assert rows(ledger, "SELECT fiscal_id, invoice_number FROM invoice_substitutions") == [
        (UUID_NC, "NC-2")]


# P-1 pays A-1 300.00 and B-2 200.00; it was cancelled and reissued as P-1R, which pays A-1 only.
UUID_REISSUED_PAY = "77777777-7777-4777-8777-777777777777"
SECOND = cfdi(uuid=UUID_B, folio="2", subtotal="500.00", traslados="80.00", total="580.00")
PAID_TWO = pagos(payments=[Pago("500.00", [Docto(UUID_A, "300.00", "1160.00"),
                                           Docto(UUID_B, "200.00", "580.00")])])
REPAID_ONE = pagos(uuid=UUID_REISSUED_PAY, replaces=[UUID_PAY],
                   payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])


@pytest.mark.parametrize("order", [("p1.xml", "p1r.xml"), ("p1r.xml", "p1.xml")],
                         ids=["cancelled-first", "reissue-first"])
def test_a_payment_the_reissued_complement_does_not_repeat_is_removed_in_either_order(
        ledger: str, tmp_path: Path, order: tuple[str, ...]) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    ok(ledger, "import", "invoices", write(tmp_path, "b.xml", SECOND))
    files = {"p1.xml": PAID_TWO, "p1r.xml": REPAID_ONE}
    first, late = (ok(ledger, "import", "invoices", write(tmp_path, name, files[name]))
                   for name in order)
    # The SAT cancelled all of P-1: B-2 is owed again in full, A-1 less P-1R's 300.00.
    assert balance(ledger) == [("MXN", "1440.00", "0.00")]
    assert rows(ledger, "SELECT code, invoice_numbers, amount FROM payments") == [
        (f"{UUID_REISSUED_PAY}/1", "A-1", 30000)]
    if order[0] == "p1.xml":
        assert re.search(re.escape(str(tmp_path / "p1r.xml")) + r":\d+: " + re.escape(
            f"payment A-2 #1 of complement {UUID_PAY}, 200.00 MXN, is removed: that "
            "complement was cancelled and substituted by this one (CfdiRelacionados, "
            "TipoRelacion 04), which does not pay it again"), late.stderr)
    else:
        assert re.search(re.escape(str(tmp_path / "p1.xml")) + r":\d+: " + re.escape(
            f"skipped: payment A-2 #1 of complement {UUID_PAY} is substituted by complement "
            f"{UUID_REISSUED_PAY}, in the ledger (CfdiRelacionados, TipoRelacion 04)"),
            late.stderr)
    before = digest(ledger)
    for name in order:  # the same files again, one by one and all at once
        ok(ledger, "import", "invoices", str(tmp_path / name))
    ok(ledger, "import", "invoices", str(tmp_path))
    assert digest(ledger) == before


def test_a_complement_and_its_reissue_in_one_folder_record_only_the_reissues_payments(
        ledger: str, tmp_path: Path) -> None:
    (tmp_path / "xml").mkdir()
    for name, data in {"a.xml": ORIGINAL, "b.xml": SECOND, "p1.xml": PAID_TWO,
                       "p1r.xml": REPAID_ONE}.items():
        write(tmp_path / "xml", name, data)
    result = ok(ledger, "import", "invoices", str(tmp_path / "xml"))
    assert (f"skipped: payment A-2 #1 of complement {UUID_PAY} is substituted by complement "
            f"{UUID_REISSUED_PAY} (CfdiRelacionados, TipoRelacion 04)") in result.stderr
    assert balance(ledger) == [("MXN", "1440.00", "0.00")]
    assert rows(ledger, "SELECT fiscal_id, invoice_number FROM invoice_substitutions") == [
        (UUID_PAY, UUID_REISSUED_PAY)]


UUID_THIRD = "77777777-7777-4777-8777-777777777777"
# A-2 cancelled in turn and reissued as A-3 (1,044.00): A-1 -> A-2 -> A-3.
THIRD = cfdi(uuid=UUID_THIRD, folio="3", subtotal="900.00", traslados="144.00",
             total="1044.00", replaces=[UUID_SUBSTITUTE], fecha="2026-01-14T10:00:00")


@pytest.mark.parametrize("batches", [
    (("a3.xml", "a2.xml"), ("a.xml",)),  # the two substitutes together, the original later
    (("a3.xml",), ("a2.xml",), ("a.xml",)),  # newest first, one by one
    (("a3.xml", "a2.xml", "a.xml"),)],  # all three at once
    ids=["substitutes-together", "newest-first", "one-folder"])
def test_a_chain_of_substitutions_leaves_only_the_last_owed_in_any_order(
        ledger: str, tmp_path: Path, batches: tuple[tuple[str, ...], ...]) -> None:
    files = {"a.xml": ORIGINAL, "a2.xml": SUBSTITUTE, "a3.xml": THIRD}
    for i, batch in enumerate(batches):
        target = tmp_path / f"batch{i}"
        target.mkdir()
        for name in batch:
            (target / name).write_bytes(files[name])
        ok(ledger, "import", "invoices", str(target))
    # Each cancelled CFDI is remembered as substituted by the one still valid, A-3.
    assert rows(ledger, "SELECT fiscal_id, invoice_number FROM invoice_substitutions "
                        "ORDER BY fiscal_id") == [(UUID_A, "A-3"), (UUID_SUBSTITUTE, "A-3")]
    assert balance(ledger) == [("MXN", "1044.00", "0.00")]


@pytest.mark.parametrize(("batches", "said"), [
    ((("a3.xml", "a2.xml", "a.xml"),),
     f"a.xml:4: invoice A-1 ({UUID_A}) is substituted by A-2, itself cancelled and "
     "substituted by A-3 (CfdiRelacionados, TipoRelacion 04): not imported"),
    ((("a.xml",), ("a2.xml", "a3.xml")),
     f"a2.xml:4: invoice A-1 ({UUID_A}) is substituted by A-2, itself cancelled and "
     "substituted by A-3 (CfdiRelacionados, TipoRelacion 04): closed by credit note SUST-A-1"),
    ((("a3.xml", "a2.xml"),),
     f"a2.xml:4: CfdiRelacionado/UUID: A-2, cancelled in turn and substituted by A-3, "
     f"substitutes CFDI {UUID_A}, which is not in the ledger; the ledger remembers it as "
     "substituted by A-3, so it will be skipped if it is imported later")],
    ids=["one-folder", "original-stored", "original-never-imported"])
def test_a_warning_about_a_chain_names_the_replaced_invoice_its_substitute_and_the_last(
        ledger: str, tmp_path: Path, batches: tuple[tuple[str, ...], ...], said: str) -> None:
    # A-1 -> A-2 -> A-3: the invoice A-1 substitutes, A-2, is not imported either, so a
    # warning naming only A-2 would send the user looking for an invoice that is not there.
    files = {"a.xml": ORIGINAL, "a2.xml": SUBSTITUTE, "a3.xml": THIRD}
    warnings = []
    for i, batch in enumerate(batches):
        target = tmp_path / f"batch{i}"
        target.mkdir()
        for name in batch:
            (target / name).write_bytes(files[name])
        warnings += ok(ledger, "import", "invoices", str(target)).stderr.splitlines()
    assert [w for w in warnings if w.endswith(said)], warnings
    assert balance(ledger) == [("MXN", "1044.00", "0.00")]


# A-1 cancelled and reissued under the same Serie and Folio, for 1,044.00.
SAME_NUMBER = cfdi(uuid=UUID_SUBSTITUTE, folio="1", subtotal="900.00", traslados="144.00",
                   total="1044.00", replaces=[UUID_A], fecha="2026-01-12T10:00:00")


def test_a_substitute_under_the_cancelled_ones_number_is_imported_in_one_folder(
        ledger: str, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    write(tmp_path / "x", "a.xml", ORIGINAL)
    write(tmp_path / "x", "a2.xml", SAME_NUMBER)
    ok(ledger, "import", "invoices", str(tmp_path / "x"))
    assert rows(ledger, "SELECT number, fiscal_id, amount FROM invoices") == [
        ("A-1", UUID_SUBSTITUTE, 104400)]
    assert balance(ledger) == [("MXN", "1044.00", "0.00")]


def test_a_substitute_under_the_stored_cancelled_ones_number_is_known_by_its_uuid(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    result = ok(ledger, "import", "invoices", write(tmp_path, "a2.xml", SAME_NUMBER))
    # The stored A-1 keeps its number, closed by SUST-A-1; the substitute is its UUID.
    assert (f"invoice A-1 ({UUID_SUBSTITUTE}) has the number of the CFDI it substitutes, in the "
            f"ledger: imported as {UUID_SUBSTITUTE}") in result.stderr
    assert rows(ledger, "SELECT number, fiscal_id FROM invoices ORDER BY id") == [
        ("A-1", UUID_A), (UUID_SUBSTITUTE, UUID_SUBSTITUTE)]
    assert balance(ledger) == [("MXN", "1044.00", "0.00")]
    before = digest(ledger)
    ok(ledger, "import", "invoices", str(tmp_path / "a2.xml"))
    ok(ledger, "import", "invoices", str(tmp_path))
    assert digest(ledger) == before


def test_a_cancelled_invoice_imported_after_its_substitute_under_its_number_is_skipped(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "a2.xml", SAME_NUMBER))
    late = ok(ledger, "import", "invoices", write(tmp_path, "a.xml", ORIGINAL))
    assert (f"invoice A-1 ({UUID_A}) is substituted by A-1, in the ledger (CfdiRelacionados, "
            "TipoRelacion 04): not imported") in late.stderr
    assert rows(ledger, "SELECT number, fiscal_id FROM invoices") == [("A-1", UUID_SUBSTITUTE)]
    assert balance(ledger) == [("MXN", "1044.00", "0.00")]
