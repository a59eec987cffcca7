"""Which bank line brings which payment recorded before it (`reconciliation.recorded.links`)."""

from __future__ import annotations

from decimal import Decimal

from cobranza.core.matching import Fit, Suggestion
from cobranza.reconciliation.matcher import Verdict
from cobranza.reconciliation.recorded import Held, links
from cobranza.reconciliation.repository import LineRow


def line(id_: int, day: int, amount: int = 116000, text: str = "") -> LineRow:
    return LineRow(id_, 1, "012180001234567895", f"BNK{id_}", day, amount, "MXN", None, None,
                   None, text, "new")


def pointing(ln: LineRow, *customers: int, status: str = "review",
             kind: str = "tax_id") -> Verdict:
    return Verdict(ln, status, [Suggestion(c, (), Decimal("0.5"), Fit("on_account", (), False),
                                           ((kind, 0.97),)) for c in customers])


def held(customer: int, day: int, pid: int, amount: int = 116000, ref: str = "") -> Held:
    return Held(customer, "MXN", amount, day, (pid,), ref)


def by_key(*found: Held) -> dict[tuple[int, str, int], list[Held]]:
    out: dict[tuple[int, str, int], list[Held]] = {}
    for h in found:
        out.setdefault((h.customer_id, h.currency, h.amount), []).append(h)
    return out


def test_each_payment_goes_to_one_line_the_nearest_first() -> None:
    first, second = line(1, 100), line(2, 101)
    found = links([pointing(first, 7), pointing(second, 7)], by_key(held(7, 100, 50)), paid={})
    assert list(found) == [1] and found[1][0].payment_ids == (50,)


def test_two_customers_payments_of_the_amount_leave_the_line_to_the_matcher() -> None:
    ln = line(1, 100)
    found = links([pointing(ln, 7, 8)], by_key(held(7, 100, 50), held(8, 101, 51)), paid={})
    assert found == {}


def test_a_name_alone_does_not_point_to_the_payment_unless_the_matcher_applies_it() -> None:
    ln = line(1, 100)
    payments = by_key(held(7, 100, 50))
    assert links([pointing(ln, 7, kind="name")], payments, paid={}) == {}
    assert list(links([pointing(ln, 7, kind="name", status="applied")], payments,
                      paid={})) == [1]


def test_money_out_days_apart_or_another_amount_is_not_the_payment() -> None:
    payments = by_key(held(7, 100, 50))
    assert links([pointing(line(1, 106), 7)], payments, paid={}) == {}
    assert links([pointing(line(2, 100, amount=-116000), 7)], payments, paid={}) == {}
    assert links([pointing(line(3, 100, amount=116001), 7)], payments, paid={}) == {}


def test_the_operation_number_finds_the_payment_of_a_customer_nothing_names() -> None:
    ln = line(1, 101, text="SPEI CLAVE MBAN01002602010012345")
    found = links([Verdict(ln, "unmatched", [])],
                  by_key(held(7, 100, 50, ref="MBAN01002602010012345")), paid={})
    assert found[1][1] == (("reference", 1.0),)


def traced(id_: int, day: int, trace: str) -> LineRow:
    return line(id_, day)._replace(spei_reference=trace)


def test_a_line_with_another_clave_de_rastreo_is_another_transfer() -> None:
    # The accounts' payment was the transfer MBAN...12345, on another account's statement.
    payments = by_key(held(7, 100, 50, ref="MBAN01002602010012345"))
    assert links([pointing(traced(1, 100, "BNET01002602010099999"), 7)], payments,
                 paid={}) == {}
    assert list(links([pointing(traced(2, 100, "MBAN01002602010012345"), 7)], payments,
                      paid={})) == [2]
    # A line without a clave de rastreo, or a payment without one, says nothing against it.
    assert list(links([pointing(line(3, 100), 7)], payments, paid={})) == [3]
    assert list(links([pointing(traced(4, 100, "BNET01002602010099999"), 7)],
                      by_key(held(7, 100, 50)), paid={})) == [4]


def test_of_two_lines_the_one_carrying_the_operation_number_takes_the_payment() -> None:
    first = line(1, 100)
    second = line(2, 103, text="SPEI CLAVE MBAN01002602010012345")
    found = links([pointing(first, 7), pointing(second, 7)],
                  by_key(held(7, 100, 50, ref="MBAN01002602010012345")), paid={})
    assert list(found) == [2]


def test_of_two_lines_the_nearest_takes_the_payment_though_booked_later() -> None:
    early, near = line(1, 98), line(2, 101)
    found = links([pointing(early, 7), pointing(near, 7)], by_key(held(7, 100, 50)), paid={})
    assert list(found) == [2]
