"""Invoices and credit notes: what customers owe, on which terms, and the credit given back."""
