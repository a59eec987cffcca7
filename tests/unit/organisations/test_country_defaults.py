"""An organisation's currency, time zone and locale from its country."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cobranza.i18n import language
from cobranza.organisations.service import SetupError, country_defaults


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


def test_the_countries_we_know_best_keep_their_settings() -> None:
    assert country_defaults("CL") == ("CLP", "America/Santiago", "es_CL")


@pytest.mark.parametrize(("code", "expected"), [
    ("GB", ("GBP", "Europe/London", "en_GB")),
    ("DE", ("EUR", "Europe/Berlin", "de_DE")),
    ("CH", ("CHF", "Europe/Zurich", "de_CH")),
])
def test_any_other_country_takes_its_legal_tender_zone_and_language(
        code: str, expected: tuple[str, str, str]) -> None:
    # Before, every other country was an American ledger: a sterling statement landed in USD.
    assert country_defaults(code) == expected


def test_a_country_of_several_clocks_asks_for_the_time_zone() -> None:
    with pytest.raises(SetupError, match="several time zones"):
        country_defaults("BR")
    assert country_defaults("BR", timezone="America/Sao_Paulo")[0] == "BRL"


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(SetupError, match="unknown country 'XX'"):
        country_defaults("XX")
