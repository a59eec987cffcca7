"""Refusals of the account and task use cases, located at the field the user got wrong."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input a rule refuses; nothing was written.

    `field` names where the problem is, as the interfaces call it: the JSON body key of the API
    and, with dashes, the CLI option (`promise_date` is `--promise-date`). `message` is already
    in the user's language.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(InvalidInput):
    """The customer, invoice, dispute, action or task named is not in the organisation."""
