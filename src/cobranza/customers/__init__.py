"""Customers (deudores): who owes, their tax id, contacts, language and preferences."""
