"""What a Pagos complement's Pago brought beyond what it pays of its documents: the customer's
unapplied credit (DOMAIN.md), recorded as a payment naming no invoice, with the Pago's.

It is the same money as the Pago's payments of documents, so it goes where they go: left out
where the ledger holds their money already (a bank line of the whole Monto was reconciled
before the complement came, and counted all of it), and taking over its draft's row where
they take over their draft's (`versions`).
"""

from __future__ import annotations

from cobranza.core.money import minor_to_str, to_minor
from cobranza.einvoices.model import PaymentLine
from cobranza.i18n import _


def settle(lines: list[PaymentLine], *, rekey: dict[str, str],
           ) -> tuple[list[PaymentLine], dict[str, str], list[str]]:
    """The lines to record, the stored codes the credits take over (stored code -> code), and
    a warning for each credit; `lines`: what is left to record (`recorded.already_recorded`),
    `rekey`: the stored codes the Pagos' payments of documents take over."""
    recorded = {line.code for line in lines}
    kept: list[PaymentLine] = []
    taken: dict[str, str] = {}
    warnings: list[str] = []
    for line in lines:
        if not line.credit_of:
            kept.append(line)
            continue
        if recorded.isdisjoint(line.credit_of):
            # The Pago's payments are not recorded from this complement: the ledger holds
            # their money already (from the bank or the accounts: so is the rest of its Monto,
            # which came with them), or another version of the complement says them.
            warnings.append(f"{line.at.file}:{line.at.line}: Pago/Monto: " + _(
                "the rest of the payment's Monto, {rest} {currency}, goes with its payments of "
                "documents, which are not recorded from this complement (said above); nothing "
                "added",
                rest=minor_to_str(to_minor(line.amount, line.currency), line.currency),
                currency=line.currency))
            continue
        kept.append(line)
        if line.note is not None:
            warnings.append(line.note)
        suffix = line.code.rpartition("/")[2]
        for old, new in rekey.items():
            if new in line.credit_of and (previous := f"{old.rpartition('/')[0]}/{suffix}") \
                    != line.code:
                taken[previous] = line.code
    return kept, taken, warnings
