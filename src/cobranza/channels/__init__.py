"""Channel adapters (e-mail, SMS, WhatsApp, letters), each behind the protocol in `base`."""
