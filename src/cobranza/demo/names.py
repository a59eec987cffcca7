"""Plausible Chilean and Mexican customer names and their tax ids (RUT, RFC) for demo data."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.cl import rut
from stdnum.mx import rfc

# Word lists are data: kept packed, several to a line.
# fmt: off
CL_COMPANY_KINDS: tuple[str, ...] = (
    "Comercial", "Distribuidora", "Ferretería", "Constructora", "Transportes", "Inversiones",
    "Agrícola", "Importadora", "Servicios", "Panificadora", "Librería", "Farmacia", "Maderas",
    "Ingeniería", "Exportadora", "Frigorífico", "Viña", "Imprenta", "Tecnologías", "Inmobiliaria",
    "Sociedad Pesquera", "Minera", "Textil", "Lubricantes", "Repuestos", "Clínica Dental",
)
CL_PLACES: tuple[str, ...] = (
    "Los Andes", "San Martín", "del Norte", "del Sur", "Pacífico", "Austral", "Santa Rosa",
    "Los Aromos", "El Roble", "La Frontera", "Valle Central", "Cordillera", "Bío Bío", "Los Lagos",
    "Maule", "Atacama", "Aconcagua", "Patagonia", "San Bernardo", "Las Condes", "Quilicura",
    "Llanquihue", "Elqui", "Limarí", "Cachapoal", "Colchagua", "Chiloé", "Magallanes",
    "Tarapacá", "Copiapó", "Huasco", "Nahuelbuta", "Los Ríos", "Rancagua", "Curicó", "Ñuble",
    "Puerto Varas", "Lo Valledor", "Alto Maipo", "Vitacura",
)
CL_LEGAL_FORMS: tuple[str, ...] = (
    "SpA", "SpA", "Ltda.", "Ltda.", "S.A.", "Limitada", "EIRL", "y Cía. Ltda.",
)
CL_SURNAMES: tuple[str, ...] = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez",
    "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya",
    "Flores", "Espinoza", "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro",
    "Pizarro", "Álvarez", "Vásquez", "Sánchez", "Fernández", "Ramírez", "Carrasco", "Gómez",
    "Cortés", "Herrera", "Núñez", "Jara", "Vergara", "Rivera", "Figueroa", "Riquelme", "Bravo",
    "Cáceres", "Aravena", "Olivares", "Saavedra", "Zúñiga", "Vidal", "Orellana", "Salinas",
)
CL_GIVEN_NAMES: tuple[str, ...] = (
    "María José", "Juan Pablo", "Francisca", "Camila", "Matías", "Benjamín", "Catalina",
    "Javiera", "Sebastián", "Felipe", "Constanza", "Cristián", "Rodrigo", "Carolina", "Patricia",
    "Valentina", "Ignacio", "Daniela", "Tomás", "Fernanda", "Claudio", "Macarena", "Gonzalo",
    "Paulina", "Andrés", "Marcela", "Álvaro", "Bárbara", "Héctor", "Verónica",
)
MX_COMPANY_KINDS: tuple[str, ...] = (
    "Distribuidora", "Comercializadora", "Abarrotes", "Ferretera", "Constructora", "Transportes",
    "Servicios", "Grupo", "Industrias", "Materiales", "Papelería", "Refaccionaria", "Farmacias",
    "Importadora", "Consultores", "Alimentos", "Logística", "Plásticos", "Muebles", "Tecnología",
    "Agroindustrias", "Laboratorios", "Textiles", "Aceros", "Empaques", "Autotransportes",
)
MX_PLACES: tuple[str, ...] = (
    "del Norte", "del Bajío", "del Pacífico", "Azteca", "Anáhuac", "Guadalupe", "San Ángel",
    "Chapultepec", "Regiomontana", "Tlaquepaque", "La Paz", "Sierra Madre", "del Golfo", "Maya",
    "de Occidente", "del Sureste", "Querétaro", "Tapatía", "Potosina", "Huasteca", "Mixteca",
    "Yucateca", "Coyoacán", "Santa Fe", "Lindavista", "Jalisco", "Sonorense", "Veracruzana",
    "del Valle", "Las Lomas", "Tlalnepantla", "Zacatecana", "Hidalguense", "Oaxaqueña",
    "Popocatépetl", "Citlaltépetl", "Cuauhtémoc", "Tehuacán", "Mazatlán", "Texcoco",
)
MX_LEGAL_FORMS: tuple[str, ...] = (
    "S.A. de C.V.", "S.A. de C.V.", "S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V.",
    "S.C.",
)
MX_SURNAMES: tuple[str, ...] = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
    "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina",
    "Castro", "Vargas", "Guzmán", "Velázquez", "Rojas", "Salazar", "Espinoza", "Contreras",
    "Estrada", "Ibarra", "Navarro", "Cervantes", "Delgado", "Sandoval", "Núñez",
)
MX_GIVEN_NAMES: tuple[str, ...] = (
    "José Luis", "María Guadalupe", "Alejandro", "Fernanda", "Ximena", "Jesús", "Miguel Ángel",
    "Verónica", "Arturo", "Leticia", "Juan Carlos", "Rosa María", "Francisco", "Gabriela",
    "Eduardo", "Adriana", "Ricardo", "Mariana", "Jorge", "Claudia", "Roberto", "Alejandra",
    "Fernando", "Patricia", "Raúl", "Silvia", "Óscar", "Lorena", "Héctor", "Daniela",
)
# fmt: on
# Words that do not count when the SAT derives a company's RFC letters from its name.
_RFC_SKIP_WORDS = frozenset(
    {"DE", "DEL", "LA", "LAS", "LOS", "EL", "Y", "PARA", "CON", "CIA", "COMPANIA", "SOCIEDAD"}
)
# Given names the SAT skips when a person has a compound given name (José Luis → Luis).
_RFC_SKIP_GIVEN = frozenset({"JOSE", "MARIA", "MA", "J"})
_HOMOCLAVE_FIRST = "123456789ABCDEFGHIJKLMNPQRSTUV"
_HOMOCLAVE_SECOND = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Person:
    """A natural person's name split the way tax ids need it."""

    given: str
    paternal: str
    maternal: str

    @property
    def full_name(self) -> str:
        """Name as written on an invoice: given names, then both surnames."""
        return f"{self.given} {self.paternal} {self.maternal}"


def company_name(rng: random.Random, country: str) -> str:
    """A company name such as "Comercial Los Andes SpA" or "Grupo Azteca S.A. de C.V."."""
    if country == "MX":
        kinds, places, forms, surnames = MX_COMPANY_KINDS, MX_PLACES, MX_LEGAL_FORMS, MX_SURNAMES
    else:
        kinds, places, forms, surnames = CL_COMPANY_KINDS, CL_PLACES, CL_LEGAL_FORMS, CL_SURNAMES
    style = rng.randrange(10)
    if style == 0:
        core = f"{rng.choice(kinds)} {rng.choice(surnames)} Hermanos"
    elif style == 1:
        core = f"{rng.choice(surnames)} y {rng.choice(surnames)}"
    else:
        core = f"{rng.choice(kinds)} {rng.choice(places)}"
    return f"{core} {rng.choice(forms)}"


def person(rng: random.Random, country: str) -> Person:
    """A natural person (persona natural in Chile, persona física in Mexico)."""
    given, surnames = (
        (MX_GIVEN_NAMES, MX_SURNAMES) if country == "MX" else (CL_GIVEN_NAMES, CL_SURNAMES)
    )
    paternal, maternal = rng.sample(surnames, 2)
    return Person(rng.choice(given), paternal, maternal)


def trade_name(name: str) -> str:
    """The name without its legal form ("Comercial Los Andes SpA" → "Comercial Los Andes")."""
    for form in sorted({*CL_LEGAL_FORMS, *MX_LEGAL_FORMS}, key=len, reverse=True):
        if name.endswith(" " + form):
            return name[: -len(form) - 1]
    return name


def ascii_upper(text: str) -> str:
    """Upper-case ASCII letters, digits and spaces only (accents and tildes dropped)."""
    plain = unicodedata.normalize("NFKD", text.upper()).encode("ascii", "ignore").decode("ascii")
    return "".join(c if c.isalnum() else " " for c in plain)


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, for e-mail addresses."""
    return "".join(ascii_upper(text).split()).lower()


def chile_rut(body: int) -> str:
    """A valid RUT like 76.123.456-7 for the given body number (check digit computed)."""
    digits = str(body)
    return rut.format(digits + rut.calc_check_digit(digits))


def mexico_company_rfc(rng: random.Random, name: str, founded: date) -> str:
    """A 12-character company RFC: three letters from the name, YYMMDD, homoclave, check digit."""
    words = [w for w in ascii_upper(trade_name(name)).split() if w not in _RFC_SKIP_WORDS]
    if len(words) >= 3:
        letters = "".join(w[0] for w in words[:3])
    elif len(words) == 2:
        letters = words[0][0] + words[1][:2]  # SAT: two words give 1 + 2 letters
    else:
        letters = "".join(words)[:3]
    letters = (letters + "XXX")[:3]
    return _with_check_digit(rng, letters + founded.strftime("%y%m%d"))


def mexico_person_rfc(rng: random.Random, who: Person, born: date) -> str:
    """A 13-character persona física RFC, avoiding the words the SAT forbids."""
    paternal = ascii_upper(who.paternal).replace(" ", "")
    maternal = ascii_upper(who.maternal).replace(" ", "")
    given = ascii_upper(who.given).split()
    first = given[1] if len(given) > 1 and given[0] in _RFC_SKIP_GIVEN else given[0]
    vowel = next((c for c in paternal[1:] if c in "AEIOU"), "X")
    letters = paternal[0] + vowel + maternal[0] + first[0]
    number = _with_check_digit(rng, letters + born.strftime("%y%m%d"))
    if not rfc.is_valid(number, validate_check_digits=True):
        # The SAT replaces the last letter of a forbidden word (e.g. "PEDO") with an X.
        number = _with_check_digit(rng, letters[:3] + "X" + born.strftime("%y%m%d"))
    return number


def identity(
    rng: random.Random, country: str, *, persona: bool, taken: set[str]
) -> tuple[str, str, str]:
    """Name, tax id (RUT or RFC) and e-mail of a new customer; the tax id is not in `taken`.

    Names are unique too while the word lists allow (thousands of customers); beyond that a
    name may repeat, as branches of one business do.
    """
    attempts = 0
    while True:
        attempts += 1
        if persona:
            who = person(rng, country)
            name = who.full_name
            born = date(rng.randint(1950, 2002), rng.randint(1, 12), rng.randint(1, 28))
            if country == "MX":
                tax_id = mexico_person_rfc(rng, who, born)
            else:
                tax_id = chile_rut(rng.randint(6_000_000, 24_999_999))
            mailbox = rng.choice(("gmail.com", "hotmail.com", "outlook.com", "yahoo.com"))
            email = f"{slug(who.given.split()[0])}.{slug(who.paternal)}{rng.randint(1, 99)}"
            email += f"@{mailbox}"
        else:
            name = company_name(rng, country)
            founded = date(rng.randint(1975, 2021), rng.randint(1, 12), rng.randint(1, 28))
            if country == "MX":
                tax_id = mexico_company_rfc(rng, name, founded)
            else:
                tax_id = chile_rut(rng.randint(76_000_000, 77_999_999))
            local = rng.choice(("pagos", "contabilidad", "finanzas", "facturacion", "tesoreria"))
            email = f"{local}@{slug(trade_name(name))}.{'com.mx' if country == 'MX' else 'cl'}"
        if tax_id not in taken and (name not in taken or attempts > 50):
            taken.update((name, tax_id))
            return name, tax_id, email


def _with_check_digit(rng: random.Random, stem: str) -> str:
    """Append a random homoclave and the RFC check digit to letters + date."""
    body = stem + rng.choice(_HOMOCLAVE_FIRST) + rng.choice(_HOMOCLAVE_SECOND)
    return body + rfc.calc_check_digit(body)
