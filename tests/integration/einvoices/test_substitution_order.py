"""An invoice, a complement payment or credit note naming it, and the invoice's substitute
(TipoRelacion 04) in any order and any batches, on SQLite and PostgreSQL: the same balances
(DOMAIN.md: importing the same data in any order, or in any batches, gives the same
allocations). Where the cancelled invoice came before its substitute it stays in the ledger,
closed by its SUST- note; what was paid or credited on it goes to the customer's open
invoices, as when the payment or credit note names it and it never arrives."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from tests.integration.einvoices.test_import import SUBSTITUTE, rows
from tests.integration.einvoices.test_substitutions import CREDITED, ORIGINAL, digest
from tests.support import ok
from tests.unit.einvoices.builders import ORG_RFC, UUID_A, Docto, Pago, cfdi, pagos

# A-9, issued before them all and still open: the money of A-1 goes to the customer's open
# invoices, not to the substitute by guess.
OLDER = cfdi(uuid="77777777-7777-4777-8777-777777777777", folio="9",
             fecha="2026-01-05T10:00:00")
# 300.00 on A-1 on 15 January, before its substitute A-2 (20 January) was issued.
PAID = pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")],
                            date="2026-01-15T12:00:00")])
OTHERS = {"pay.xml": PAID, "nc.xml": CREDITED}  # NC-1: 116.00 on A-1, on 25 January
# Each invoice's open amount (the cancelled A-1 aside: closed, or never imported) and the
# customer's unapplied credit.
EXPECTED = {"pay.xml": ([("A-2", 104400), ("A-9", 86000)], [(0,)]),
            "nc.xml": ([("A-2", 104400), ("A-9", 104400)], [(0,)])}

NAMES = ("a.xml", "other", "a2.xml")
BATCHES = [tuple((name,) for name in order) for order in permutations(NAMES)] + [
    (NAMES,), (("a.xml", "other"), ("a2.xml",)), (("other",), ("a.xml", "a2.xml")),
    (("a.xml", "a2.xml"), ("other",)), (("other", "a2.xml"), ("a.xml",))]


def _id(batches: tuple[tuple[str, ...], ...]) -> str:
    return "|".join("+".join(n.removesuffix(".xml") for n in batch) for batch in batches)


def state(db: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    open_amounts = rows(db, "SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) "
                            "FROM invoices i LEFT JOIN allocations a ON a.invoice_id = i.id "
                            "WHERE i.number <> 'A-1' GROUP BY i.number, i.amount "
                            "ORDER BY i.number")
    unapplied = rows(db, "SELECT (SELECT COALESCE(SUM(amount), 0) FROM payments) "
                         "+ (SELECT COALESCE(SUM(amount), 0) FROM credit_notes) "
                         "- (SELECT COALESCE(SUM(amount), 0) FROM allocations "
                         "   WHERE source_kind <> 'discount')")
    return open_amounts, unapplied


@pytest.mark.parametrize("other", list(OTHERS))
@pytest.mark.parametrize("batches", BATCHES, ids=[_id(b) for b in BATCHES])
def test_invoice_payment_or_credit_note_and_substitute_in_any_order_give_the_same_balances(
        batches: tuple[tuple[str, ...], ...], other: str, db_url: str, tmp_path: Path) -> None:
    files = {"a.xml": ORIGINAL, "a2.xml": SUBSTITUTE, "other": OTHERS[other]}
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    (tmp_path / "a9.xml").write_bytes(OLDER)
    ok(db_url, "import", "invoices", str(tmp_path / "a9.xml"))
    everything = tmp_path / "all"
    everything.mkdir()
    for i, batch in enumerate(batches):
        target = tmp_path / f"batch{i}"
        target.mkdir()
        for name in batch:
            real = other if name == "other" else name
            (target / real).write_bytes(files[name])
            (everything / real).write_bytes(files[name])
        ok(db_url, "import", "invoices", str(target))
    assert state(db_url) == EXPECTED[other]
    # The same files again, all at once, change nothing.
    before = digest(db_url)
    ok(db_url, "import", "invoices", str(everything))
    assert digest(db_url) == before
