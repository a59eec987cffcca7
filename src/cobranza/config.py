"""Settings read once at the edge: the database, the queue, and each channel's provider.

Every setting comes from an environment variable with the prefix `COBRANZA_`, or from the
`cobranza.toml` file that `cobranza init` writes beside the working directory (or the file named
by `COBRANZA_CONFIG`). The environment wins over the file. Secrets are never printed.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "sqlite:///./cobranza.db"
CONFIG_FILE = "cobranza.toml"


def database_url(explicit: str | None = None) -> str:
    """`--db URL`, else COBRANZA_DATABASE_URL, else the embedded SQLite file."""
    return explicit or os.environ.get("COBRANZA_DATABASE_URL") or DEFAULT_DATABASE_URL


def config_path() -> Path:
    """The settings file: $COBRANZA_CONFIG, else ./cobranza.toml."""
    return Path(os.environ.get("COBRANZA_CONFIG") or CONFIG_FILE)


class Settings(BaseSettings):
    """Provider and queue settings (README, "Configuration")."""

    model_config = SettingsConfigDict(env_prefix="COBRANZA_", extra="ignore")

    # E-mail over SMTP.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_ssl: bool = False  # implicit TLS (port 465)
    smtp_timeout: float = 30.0
    mail_from: str | None = None
    mail_reply_to: str | None = None
    unsubscribe_url: str | None = None  # https URL; else a mailto: to mail_from

    # Twilio (SMS and WhatsApp).
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None  # E.164 sender for SMS
    twilio_whatsapp_from: str | None = None  # E.164 sender for WhatsApp
    twilio_base_url: str = "https://api.twilio.com"
    twilio_status_callback: str | None = None

    # WhatsApp Cloud API (Meta), with approved templates.
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None  # checks X-Hub-Signature-256
    whatsapp_base_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_provider: str = "auto"  # auto | twilio | cloud

    # Outgoing webhooks (the webhook action): signed with this secret.
    webhook_secret: SecretStr | None = None

    # The job queue: sqlite (default, a file beside the database), redis://..., or postgresql://...
    queue_url: str | None = None
    # Letters: where PDFs and print batches are written.
    letters_dir: str = "letters"
    # Agency hand-off files.
    handoff_dir: str = "handoffs"
    # Mexico: the leading digits (bank, plaza, account start) of the organisation's virtual CLABEs.
    clabe_prefix: str | None = None
    # Processes a batch path may split its work across (reconcile's matching); none: the CPUs
    # this process may run on.
    workers: int | None = None

    @field_validator("clabe_prefix")
    @classmethod
    def _clabe_prefix_digits(cls, value: str | None) -> str | None:
        """6 to 12 digits, as the bank issues them; empty means none."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.isdigit() or not 6 <= len(value) <= 12:
            raise ValueError(f"COBRANZA_CLABE_PREFIX must be 6 to 12 digits (bank, plaza and "
                             f"the start of the account, as your bank gives them), not {value!r}")
        return value

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit values, then the environment, then cobranza.toml."""
        return (init_settings, env_settings,
                TomlConfigSettingsSource(settings_cls, toml_file=config_path()))


def load_settings() -> Settings:
    """The settings in force now (read at the edge and passed down)."""
    return Settings()


_TEMPLATE = """\
# cobranza settings. Every key can also be set as an environment variable with the
# prefix COBRANZA_ (e.g. COBRANZA_SMTP_HOST), which wins over this file.

# E-mail over SMTP
# smtp_host = "smtp.example.com"
# smtp_port = 587
# smtp_user = "cobranza@example.com"
# smtp_password = "..."
# smtp_starttls = true
# mail_from = "Cobranza <cobranza@example.com>"
# unsubscribe_url = "https://example.com/baja"

# SMS and WhatsApp through Twilio
# twilio_account_sid = "AC..."
# twilio_auth_token = "..."
# twilio_from = "+56900000000"
# twilio_whatsapp_from = "+56900000000"

# WhatsApp Cloud API (approved templates)
# whatsapp_token = "..."
# whatsapp_phone_number_id = "..."
# whatsapp_app_secret = "..."

# Outgoing webhooks are signed with this secret
# webhook_secret = "..."

# Job queue for `cobranza worker`: empty for SQLite beside the ledger, or redis://...
# queue_url = "redis://127.0.0.1:6379/0"

# Processes `cobranza reconcile` matches in (default: every CPU it may use)
# workers = 2

# Where letters (PDF) and agency hand-off files are written
# letters_dir = "letters"
# handoff_dir = "handoffs"

# Mexico: the 6 to 12 leading digits (bank, plaza, account start) under which your bank issues
# virtual CLABEs; `cobranza references assign` gives each Mexican customer one
# clabe_prefix = "0021800123"
"""


def write_config_template(path: Path | None = None) -> Path | None:
    """Write a commented settings file unless one exists; returns the path written, or None."""
    target = path or config_path()
    if target.exists():
        return None
    target.write_text(_TEMPLATE, encoding="utf-8")
    return target
