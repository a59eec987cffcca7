"""cobranza: open-source collections for small and medium businesses."""

__version__ = "0.1.0"
