"""One module per bank file format, each a `StatementFormat` (see `cobranza.statements.model`)."""
