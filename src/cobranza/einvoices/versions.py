"""Which payments of Pagos complements count when one complement takes another's place.

A payment is one installment (NumParcialidad) of one invoice, whichever XML says it: a
complement arrives as a draft and then stamped, or is cancelled at the SAT and reissued, the new
one naming the old in CfdiRelacionados with TipoRelacion 04. The later XML takes the installment
over (the stored payment is rekeyed, not recorded again); what a cancelled complement paid that
its reissue does not pay again is removed, since the SAT cancelled it whole; and the cancelled
complement is left out beside its reissue, or skipped when it comes later (the ledger remembers
it, `substitutions.substituted_by`). Any other second payment of an installment would pay the
invoice twice, so the import is refused, located.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.money import from_minor
from cobranza.einvoices.model import PaymentLine, Removal
from cobranza.einvoices.substitutions import substituted_by
from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.models import Organisation, Payment


@dataclass
class Versions:
    """One payment per installment (NumParcialidad) of an invoice, whichever XML says it.

    A Pagos 2.0 line is the n-th payment of one invoice: that, not the line's code (the UUID
    once stamped, the serie-folio before), is what makes two lines the same payment. A
    complement arrives as a draft, then stamped; or is cancelled and reissued, the new one
    naming the old in CfdiRelacionados with TipoRelacion 04. Either way the later XML takes the
    installment over. Two complements claiming it otherwise would pay the invoice twice: the
    SAT accepts one, so the import is refused, located. A cancelled complement is cancelled
    whole: what of it the reissue does not pay again is removed, and the ledger remembers it
    (`substitutes`), so that it is skipped if it comes later.
    """

    payments: list[PaymentLine]  # what is left to write
    rekey: dict[str, str] = field(default_factory=dict)  # stored code -> code taking over
    removed: list[Removal] = field(default_factory=list)  # stored payments no longer made
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def versions(session: Session, *, org: Organisation, payments: list[PaymentLine],
             targets: dict[str, str]) -> Versions:
    """Drafts of stamped payments and substituted complements dropped; stamped lines and
    substitutes take over what the ledger stored for the same installments; conflicts refused.
    """
    def key(line: PaymentLine) -> tuple[str, int] | None:
        target = targets.get(line.code)
        return None if target is None else (target, line.installment)

    payments = _chained(payments)
    out = Versions([])
    stamped: dict[tuple[str, int], list[PaymentLine]] = {}
    for line in payments:
        if line.fiscal_id and (k := key(line)):
            stamped.setdefault(k, []).append(line)
    # The complements reissued in this import, and those the ledger remembers as reissued.
    reissued = {uuid: line.fiscal_id for line in payments if line.fiscal_id is not None
                for uuid in line.replaces if uuid != line.fiscal_id}
    remembered = substituted_by(session, org=org, fiscal_ids=[
        line.fiscal_id for line in payments
        if line.fiscal_id is not None and line.fiscal_id not in reissued])
    claimed: dict[tuple[str, int], PaymentLine] = {}
    for line in payments:
        k = key(line)
        others = stamped.get(k, []) if k else []
        if line.fiscal_id is None and others:
            out.warnings.append(_skipped_draft(line, k))
            continue
        if line.fiscal_id in reissued or line.fiscal_id in remembered:
            out.warnings.append(_substituted(line, k, reissued.get(line.fiscal_id or ""),
                                             remembered.get(line.fiscal_id or "")))
            continue
        first = claimed.setdefault(k, line) if k else line
        if first is not line:
            out.errors.append(_twice_in_one(line, k, first) if (
                line.fiscal_id is not None and first.fiscal_id == line.fiscal_id)
                else _twice(line, k, first.fiscal_id or first.code))
            continue
        out.payments.append(line)
    # A payment stored before its invoice was imported names it by UUID until this import
    # writes the invoice (`pending`): the same installment all the same.
    aliases = {line.target: number for line in out.payments
               if (number := targets.get(line.code)) is not None and number != line.target}
    stored = _stored_installments(session, org=org, numbers=sorted(
        {k[0] for line in out.payments if (k := key(line))} | aliases.keys()), aliases=aliases)
    kept = []
    for line in out.payments:
        found = stored.get(k) if (k := key(line)) else None
        if found is None or found[0] == line.code:
            kept.append(line)
        elif line.fiscal_id is None and found[1] is not None:
            out.warnings.append(_skipped_draft(line, k))  # the stamped one is in the ledger
        elif line.fiscal_id is not None and (found[1] is None or found[1] in line.replaces):
            out.rekey[found[0]] = line.code
            out.warnings.append(_takes_over(line, k, found))
            kept.append(line)
        else:
            out.errors.append(_twice(line, k, found[1] or found[0]))
    out.payments = kept
    out.removed = _cancelled_payments(session, org=org, reissues=kept, rekey=out.rekey,
                                      warnings=out.warnings)
    return out


def _chained(payments: list[PaymentLine]) -> list[PaymentLine]:
    """Each line substituting, besides the complements it names, those they substitute in this
    import: a reissue reissued in turn, both arriving together, takes over (and removes) what
    the ledger stored of the first complement, which the last one does not name."""
    named = {line.fiscal_id: line.replaces for line in payments if line.fiscal_id is not None}
    if not any(uuid in named for replaces in named.values() for uuid in replaces):
        return payments
    chained = []
    for line in payments:
        found = list(line.replaces)
        for uuid in found:  # grows as it goes: the whole chain, each once
            found += [old for old in named.get(uuid, ()) if old not in found]
        chained.append(replace(line, replaces=tuple(found)) if found else line)
    return chained


def _cancelled_payments(session: Session, *, org: Organisation, reissues: list[PaymentLine],
                        rekey: dict[str, str], warnings: list[str]) -> list[Removal]:
    """The stored payments of complements reissued in this import that the reissue does not
    take over: the SAT cancelled the whole complement, so they are removed."""
    by: dict[str, PaymentLine] = {}
    for line in reissues:
        for uuid in line.replaces if line.fiscal_id is not None else ():
            by.setdefault(uuid, line)
    wanted = sorted(by)
    removed = []
    for start in range(0, len(wanted), 1000):
        for row in session.execute(
                select(Payment.id, Payment.customer_id, Payment.code, Payment.fiscal_id,
                       Payment.invoice_numbers, Payment.installment, Payment.amount,
                       Payment.currency)
                .where(Payment.org_id == org.id, Payment.fiscal_id.in_(wanted[start:start + 1000]))
                .order_by(Payment.id)):
            if row.code in rekey:
                continue
            removed.append(Removal(Payment, row.id, row.customer_id))
            new = by[str(row.fiscal_id)]
            warnings.append(f"{new.at.file}:{new.at.line}: " + _(
                "payment {number} #{installment} of complement {old}, {amount} {currency}, is "
                "removed: that complement was cancelled and substituted by this one "
                "(CfdiRelacionados, TipoRelacion 04), which does not pay it again",
                number=row.invoice_numbers, installment=row.installment, old=row.fiscal_id,
                amount=from_minor(row.amount, row.currency), currency=row.currency))
    return removed


def _stored_installments(session: Session, *, org: Organisation, numbers: list[str],
                         aliases: dict[str, str]) -> dict[
        tuple[str, int], tuple[str, str | None]]:
    """(invoice number, installment) -> (code, fiscal id) of the payments stored for them
    (`aliases`: the number of an invoice a stored payment may name by its UUID)."""
    stored: dict[tuple[str, int], tuple[str, str | None]] = {}
    for start in range(0, len(numbers), 500):
        rows = session.execute(select(Payment.invoice_numbers, Payment.installment,
                                      Payment.code, Payment.fiscal_id)
                               .where(Payment.org_id == org.id,
                                      Payment.installment.is_not(None),
                                      Payment.invoice_numbers.in_(numbers[start:start + 500]))
                               .order_by(Payment.id))
        for number, installment, code, fiscal_id in rows:
            stored.setdefault((aliases.get(number, number), installment), (code, fiscal_id))
    return stored


def _twice(line: PaymentLine, key: tuple[str, int] | None, other: str) -> RowError:
    number, installment = key or ("", 0)
    return line.at.error("DoctoRelacionado/NumParcialidad", _(
        "installment {installment} of invoice {number} is already paid by {other}; a second "
        "payment of the same installment is refused (a complement reissued in place of a "
        "cancelled one names it in CfdiRelacionados with TipoRelacion 04)",
        installment=installment, number=number, other=other))


def _twice_in_one(line: PaymentLine, key: tuple[str, int] | None,
                  first: PaymentLine) -> RowError:
    number, installment = key or ("", 0)
    return line.at.error("DoctoRelacionado/NumParcialidad", _(
        "installment {installment} of invoice {number} is paid twice in this complement (also "
        "on line {line}); expected each installment once", installment=installment,
        number=number, line=first.at.line))


def _takes_over(line: PaymentLine, key: tuple[str, int] | None,
                stored: tuple[str, str | None]) -> str:
    number, installment = key or ("", 0)
    code, fiscal_id = stored
    return f"{line.at.file}:{line.at.line}: " + (_(
        "payment {number} #{installment} replaces its draft {draft}, imported before from the "
        "unstamped complement", number=number, installment=installment, draft=code)
        if fiscal_id is None else _(
        "payment {number} #{installment} replaces the one of complement {old}, cancelled and "
        "substituted by this one (CfdiRelacionados, TipoRelacion 04)", number=number,
        installment=installment, old=fiscal_id))


def _substituted(line: PaymentLine, key: tuple[str, int] | None, new: str | None,
                 stored: str | None) -> str:
    """The warning for a line of a reissued complement: `new` reissues it in this import, or
    the ledger remembers `stored` does."""
    number, installment = key or ("", 0)
    return f"{line.at.file}:{line.at.line}: " + (_(
        "skipped: payment {number} #{installment} of complement {old} is substituted by "
        "complement {new} (CfdiRelacionados, TipoRelacion 04)", number=number,
        installment=installment, old=line.fiscal_id, new=new) if new is not None else _(
        "skipped: payment {number} #{installment} of complement {old} is substituted by "
        "complement {new}, in the ledger (CfdiRelacionados, TipoRelacion 04)", number=number,
        installment=installment, old=line.fiscal_id, new=stored))


def _skipped_draft(line: PaymentLine, key: tuple[str, int] | None) -> str:
    number, installment = key or ("", 0)
    return f"{line.at.file}:{line.at.line}: " + _(
        "skipped: payment {number} #{installment} is already known from the stamped "
        "complement; the draft adds nothing", number=number, installment=installment)
