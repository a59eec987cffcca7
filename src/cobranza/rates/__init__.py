"""The rate table: daily values of UF, UDI and exchange rates, for fees and conversions."""
