"""The shared corpus of real CFDI and DTE files: each is read fully or refused with a reason.

Each file is checked alone (`--dry-run` on an empty ledger), since several corpus files reuse one
UUID or folio for different contents; then the readable Chilean DTEs are imported for real.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import cli, ok, snapshot

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
FOLDERS = ("cfdi40", "dte_cl")
# The reason each group of files is refused, as its name or SOURCES.md note implies.
REFUSED = [
    (r"xml_attacks/", "refused as a possible XML bomb or external entity attack"),
    (r"cl-sii_aec/", "AEC"),
    (r"cl-sii_rcv/", "RCV"),
    (r"bad-cert", "not base64"),
    (r"pagos20/", "not stamped"),  # unsigned/unstamped satcfdi and CfdiUtils test files
    (r"cfdv40-ejemplo-signed-tfd", "without a Pagos 2.0 complement"),
    (r"satcfdi_sat_examples/", "not stamped"),  # Anexo 20 examples: complements, no stamp
]
READ = (r"satcfdi_stamped_ingreso/", r"cfdiutils/", r"cl-sii_dte/")


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for folder in FOLDERS for p in (CORPUS / folder).rglob("*")
                  if p.is_file() and p.name != "SOURCES.md")


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


@pytest.fixture(scope="module")
def empty_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'ledger.db'}"
    ok(url, "init", "--country", "MX")
    return url


def expected_refusal(name: str) -> str | None:
    return next((reason for pattern, reason in REFUSED if re.search(pattern, name)), None)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is absent ({CORPUS})")
@pytest.mark.parametrize("path", corpus_files(), ids=_id)
def test_each_corpus_file_is_read_or_refused_with_its_reason(path: Path,
                                                            empty_ledger: str) -> None:
    name = _id(path)
    before = snapshot(empty_ledger)
    result = cli(empty_ledger, "import", "invoices", "--dry-run", str(path))
    reason = expected_refusal(name)
    if reason is None:
        assert re.search("|".join(READ), name), f"no expectation for {name}"
        assert result.exit_code == 0, result.output
        assert re.search(r"(invoices|credit notes): 1 new", result.stdout), result.stdout
    else:
        assert result.exit_code == 2, result.output
        assert reason in result.stderr, result.stderr
        assert f"{path}:" in result.stderr  # located: file:line: field: message
    assert snapshot(empty_ledger) == before


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
