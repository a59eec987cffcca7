"""SQLAlchemy 2 typed models, one file per aggregate, sharing one MetaData naming convention."""

from cobranza.models.account import (
    ActivityEntry,
    AgencyHandoff,
    BadContact,
    Dispute,
    Extension,
    Pause,
    PaymentPlan,
    Promise,
    SatisfactionAnswer,
)
from cobranza.models.allocation import Allocation, PinnedAllocation
from cobranza.models.bank import (
    BankStatement,
    BankTransaction,
    CustomerAlias,
    PaymentReference,
    ReconciliationMatch,
)
from cobranza.models.base import Base
from cobranza.models.change import ChangeRecord, ImportRun
from cobranza.models.credit_note import CreditNote
from cobranza.models.customer import Customer
from cobranza.models.dunning import CollectionAction, CollectionTask, DunningProgress
from cobranza.models.invoice import Invoice, InvoiceSubstitution
from cobranza.models.organisation import ApiKey, Organisation, PaymentTerms
from cobranza.models.payment import Payment
from cobranza.models.rate import Rate
from cobranza.models.strategy import MessageTemplate, Strategy, StrategyStep

__all__ = [
    "ActivityEntry",
    "AgencyHandoff",
    "Allocation",
    "ApiKey",
    "BadContact",
    "BankStatement",
    "BankTransaction",
    "Base",
    "ChangeRecord",
    "CollectionAction",
    "CollectionTask",
    "CreditNote",
    "CustomerAlias",
    "Customer",
    "Dispute",
    "DunningProgress",
    "Extension",
    "ImportRun",
    "Invoice",
    "InvoiceSubstitution",
    "MessageTemplate",
    "Organisation",
    "Pause",
    "Payment",
    "PaymentPlan",
    "PaymentReference",
    "PaymentTerms",
    "PinnedAllocation",
    "Promise",
    "Rate",
    "ReconciliationMatch",
    "SatisfactionAnswer",
    "Strategy",
    "StrategyStep",
]
