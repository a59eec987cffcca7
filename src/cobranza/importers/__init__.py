"""Importers: read customers, invoices, payments and credit notes from users' CSV and XLSX files."""
