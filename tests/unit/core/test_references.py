"""Payment references: ISO 11649 RF creditor references and Mexican CLABEs."""

from __future__ import annotations

import pytest

from cobranza.core.references import (
    clabe_check_digit,
    customer_reference,
    decode,
    find_clabes,
    find_rf,
    invoice_reference,
    is_clabe,
    is_rf,
    printed,
    rf_reference,
    virtual_clabe,
)


def test_the_standard_s_example_is_valid_and_one_changed_digit_is_not() -> None:
    assert is_rf("RF18539007547034") and is_rf("RF18 5390 0754 7034")
    assert not is_rf("RF18539007547035") and not is_rf("RF185390075470")


def test_references_are_made_with_check_digits_and_decode_to_what_they_name() -> None:
    assert rf_reference("539007547034") == "RF18539007547034"
    ref = invoice_reference(123)
    assert is_rf(ref) and decode(ref) is not None
    assert (decode(ref).kind, decode(printed(ref)).id) == ("invoice", 123)  # type: ignore[union-attr]
    assert decode(customer_reference(5)) is not None
    assert decode(customer_reference(5)).kind == "customer"  # type: ignore[union-attr]
    assert decode("RF18539007547034") is None  # someone else's reference


@pytest.mark.parametrize("text, found", [
    ("PAGO RF28 1000 123 GRACIAS", ["RF281000123"]),
    ("RF711005848 RF331008278", ["RF711005848", "RF331008278"]),
    ("ref rf18539007547034.", ["RF18539007547034"]),
    ("XRF281000123 and RF99 1234", []),
])
def test_references_are_found_in_remittance_text(text: str, found: list[str]) -> None:
    assert find_rf(text) == found


def test_clabe_check_digits_follow_banxico_weights() -> None:
    assert is_clabe("032180000118359719") and is_clabe("002010077777777771")
    assert not is_clabe("032180000118359718") and not is_clabe("03218000011835971")
    assert clabe_check_digit("03218000011835971") == "9"


def test_a_virtual_clabe_is_the_bank_s_prefix_and_the_customer_with_a_check_digit() -> None:
    clabe = virtual_clabe("646180", 42)
    assert (clabe, is_clabe(clabe)) == ("646180000000000423", True)
    assert find_clabes(f"SPEI A {clabe} OK") == [clabe]
    with pytest.raises(ValueError, match="prefix"):
        virtual_clabe("64", 1)
    with pytest.raises(ValueError, match="does not fit"):
        virtual_clabe("646180123456", 10**6)
