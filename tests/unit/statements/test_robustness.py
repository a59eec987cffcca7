"""Whatever bytes arrive, a statement reader gives statements or a located StatementError.

Damaged copies of a sound file of each format (bytes changed, cut out, repeated, the file cut
short) are read as an import reads them: the readers' libraries (mt-940, ofxtools, bai2,
openpyxl, lxml, polars) must never let their own exceptions through. A mutation fuzzer run over
these formats found seven such holes; these examples keep them closed.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cobranza.i18n import language
from cobranza.statements.checks import check_statement
from cobranza.statements.detect import read_statements
from cobranza.statements.model import StatementError
from tests.unit.statements.test_bai2 import REPORT
from tests.unit.statements.test_camt import TX, balance, document, entry
from tests.unit.statements.test_cep import receipt
from tests.unit.statements.test_csv_statements import BANORTE, CHILE, RUNNING
from tests.unit.statements.test_xlsx import CARTOLA

MT940 = (b":20:STARTUMSE\n:25:10020030/1234567890\n:28C:1/1\n:60F:C260301EUR100,00\n"
         b":61:2603020302C10,00NTRFNONREF//BNK1\n:86:166?00GUTSCHRIFT?20Factura F-1001?32ACME\n"
         b":61:2603020302D2,50NMSCNONREF//BNK2\n:86:Comision\n:62F:C260302EUR107,50\n-\n")
OFX = (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n<OFX><BANKMSGSRSV1>"
       b"<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>MXN"
       b"<BANKACCTFROM><BANKID>012<ACCTID>1234567890<ACCTTYPE>CHECKING</BANKACCTFROM>"
       b"<BANKTRANLIST><DTSTART>20260301<DTEND>20260331<STMTTRN><TRNTYPE>CREDIT"
       b"<DTPOSTED>20260302<TRNAMT>1160.00<FITID>F1<NAME>ACME SA<MEMO>Factura F-1001"
       b"</STMTTRN></BANKTRANLIST><LEDGERBAL><BALAMT>1160.00<DTASOF>20260331</LEDGERBAL>"
       b"</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
SOUND = [CHILE, BANORTE.encode(), RUNNING.encode(), CARTOLA, REPORT, MT940, OFX, receipt(),
         document(entry("1160.00", details=TX.format(amount="")) + entry("200.00", "DBIT"),
                  balances=balance("OPBD", "1000.00") + balance("CLBD", "1960.00"))]
# Bytes that mean something to one reader or another.
TOKENS = [b"-", b"0", b",", b".", b"\n", b"/", b":", b";", b"<", b">", b'"', b"\t", b"\xff",
          b"999999999999", b"E75", b"?2", b":61:", b"</OFX>", b"88,", b"31/02/2026"]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SOUND)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        what = draw(st.integers(0, 4))
        if what == 0:
            data[at] = draw(st.integers(0, 255))
        elif what == 1:
            del data[at:at + draw(st.integers(1, 20))]
        elif what == 2:
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif what == 3:
            del data[at:]
        else:
            start = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[start:start + draw(st.integers(1, 40))]
    return bytes(data)


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(damaged())
def test_a_damaged_file_is_read_or_refused_with_a_statement_error(data: bytes) -> None:
    with language("en"):
        try:
            for statement in read_statements(data, file="damaged", default_currency="MXN"):
                check_statement(statement, file="damaged")
        except StatementError as error:
            assert error.file == "damaged" and error.message
