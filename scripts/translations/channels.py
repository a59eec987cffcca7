"""Spanish for the channels catalog (src/cobranza/locale/es/LC_MESSAGES/channels.po)."""

from __future__ import annotations


ES: dict[str, str] = {
    # Sending e-mail (reasons a collector reads in the outbox).
    "the mail server refused the message: {code} {reply}":
        "el servidor de correo rechazó el mensaje: {code} {reply}",
    "the mail server asked to try again later: {code} {reply}":
        "el servidor de correo pidió reintentar más tarde: {code} {reply}",
    "the mail server refused the address {address}: {code} {reply}":
        "el servidor de correo rechazó la dirección {address}: {code} {reply}",
    "the mail server did not answer in time":
        "el servidor de correo no respondió a tiempo",
    "the mail server closed the connection":
        "el servidor de correo cerró la conexión",
    "the mail server cannot be used as configured: {error}":
        "el servidor de correo no se puede usar con la configuración actual: {error}",
    "the mail server's TLS certificate is not valid: {error}":
        "el certificado TLS del servidor de correo no es válido: {error}",
    "could not reach the mail server: {error}":
        "no se pudo conectar con el servidor de correo: {error}",
    # Webhooks.
    "each bounce notification needs a message_id and a status ({statuses})":
        "cada aviso de rebote necesita un message_id y un status ({statuses})",
    "the body is neither a JSON bounce notification nor a delivery status notification":
        "el cuerpo no es un aviso de rebote en JSON ni un informe de estado de entrega (DSN)",
    "the webhook body is not JSON: {error}": "el cuerpo del webhook no es JSON: {error}",
    "the status callback is not form-encoded: {error}":
        "el aviso de estado no viene como formulario: {error}",
    "the status callback has no MessageSid or MessageStatus":
        "el aviso de estado no trae MessageSid ni MessageStatus",
    "the WhatsApp webhook has no entry list": "el webhook de WhatsApp no trae la lista entry",
    # Providers over HTTP.
    "{provider} did not answer in time": "{provider} no respondió a tiempo",
    "could not reach {provider}: {error}": "no se pudo conectar con {provider}: {error}",
    "Twilio error {code}": "error de Twilio {code}",
    "{provider} answered {status} without a message id":
        "{provider} respondió {status} sin identificador de mensaje",
    "{provider} answered {status} (error {code}): {message}":
        "{provider} respondió {status} (error {code}): {message}",
    "a WhatsApp message to a debtor needs an approved template; this message has none":
        "un mensaje de WhatsApp a un deudor necesita una plantilla aprobada; este mensaje no "
        "tiene ninguna",
    # Which channels are configured.
    "{first} and {last}": "{first} y {last}",
    "e-mail is not configured: set {variables}":
        "el correo electrónico no está configurado: defina {variables}",
    "SMS is not configured: set {variables}": "los SMS no están configurados: defina {variables}",
    "COBRANZA_WHATSAPP_PROVIDER is '{value}'; expected auto, twilio or cloud":
        "COBRANZA_WHATSAPP_PROVIDER es '{value}'; se esperaba auto, twilio o cloud",
    "WhatsApp is not configured: set {cloud} (WhatsApp Cloud API) or {twilio} (Twilio)":
        "WhatsApp no está configurado: defina {cloud} (WhatsApp Cloud API) o {twilio} (Twilio)",
    "WhatsApp is not configured: set {variables}":
        "WhatsApp no está configurado: defina {variables}",
    "there is no sending adapter for the channel '{channel}'; expected email, sms or whatsapp":
        "no hay un adaptador de envío para el canal '{channel}'; se esperaba email, sms o "
        "whatsapp",
    # `cobranza channels test`.
    "This is a test message from cobranza through the {channel} channel. No action is needed.":
        "Este es un mensaje de prueba de cobranza por el canal {channel}. No necesita hacer "
        "nada.",
    "cobranza test message": "Mensaje de prueba de cobranza",
    "sent": "enviado",
    "temporary failure, try again later": "falla temporal, reintente más tarde",
    "bounced, the address cannot receive": "rebotado, la dirección no puede recibir",
    "failed": "fallido",
    "'{value}' is neither an e-mail address nor a phone number in international format such "
    "as +56912345678":
        "'{value}' no es una dirección de correo ni un número de teléfono en formato "
        "internacional como +56912345678",
    "Not configured:": "Sin configurar:",
    "No configured channel can reach {address}.":
        "Ningún canal configurado puede llegar a {address}.",
}
