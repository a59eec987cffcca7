"""Late charges posted as documents: fees (gastos de cobranza) and accrued interest."""
