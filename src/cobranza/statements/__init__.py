"""Bank statements: reading every format banks write onto one statement-line model, importing."""
