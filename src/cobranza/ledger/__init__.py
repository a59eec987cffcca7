"""The receivables ledger: persisting the allocation replay for the customers whose data changed."""
