"""Demo data: a deterministic company with customers, invoices, payments and credit notes."""
