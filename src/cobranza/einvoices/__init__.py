"""Electronic invoices: Mexican CFDI 4.0 (with Pagos 2.0) and Chilean SII DTE into the ledger."""
