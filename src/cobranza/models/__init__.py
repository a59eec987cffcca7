"""SQLAlchemy 2 typed models, one file per aggregate, sharing one MetaData naming convention."""

from cobranza.models.allocation import Allocation, PinnedAllocation
from cobranza.models.base import Base
from cobranza.models.change import ChangeRecord, ImportRun
from cobranza.models.credit_note import CreditNote
from cobranza.models.customer import Customer
from cobranza.models.invoice import Invoice
from cobranza.models.organisation import ApiKey, Organisation, PaymentTerms
from cobranza.models.payment import Payment
from cobranza.models.rate import Rate

__all__ = [
    "Allocation",
    "ApiKey",
    "Base",
    "ChangeRecord",
    "CreditNote",
    "Customer",
    "ImportRun",
    "Invoice",
    "Organisation",
    "Payment",
    "PaymentTerms",
    "PinnedAllocation",
    "Rate",
]
