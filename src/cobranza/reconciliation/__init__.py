"""Reconciliation: matching bank lines to customers and invoices, the review queue, learning."""
