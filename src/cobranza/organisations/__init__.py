"""The organisation that collects: its settings, named payment terms and API keys."""
