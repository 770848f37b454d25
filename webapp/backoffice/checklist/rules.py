"""Rules of the new-contract checklist (seed 000, slide 7 « Mise en place d'un nouveau
contrat : les informations à transmettre »)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

SECTIONS = (
    ("contacts", "Coordonnées"),
    ("contract", "Contrat"),
    ("billing", "Facturation"),
    ("subscription", "Souscription"),
    ("logo", "Logo"),
    ("booklets", "Livrets"),
)
EXTRANET = "extranet"
SUBSCRIPTION_FORMATS = (("extranet", "Extranet"), ("edi", "EDI"),
                        ("webservice", "Webservice"))
BILLING_BASES = (("departure", "Base départ"), ("subscription", "Base souscription"))
BOOKLET_FORMATS = (("paper", "Papier"), ("digital", "Démat"))


# The fields each section's form saves (the logo has its own upload).
SECTION_FIELDS = {
    "contacts": ("contact_name", "address", "phone", "email"),
    "contract": ("fram_code", "effective_date", "fiscal_year_end", "revenue", "revenue_year"),
    "billing": ("billing_basis", "accounting_name", "accounting_phone"),
    "subscription": ("subscription_format", "reception_same", "reception_email",
                     "login_preference", "chiefs"),
    "booklets": ("booklet_type", "booklet_format", "booklet_quantity", "booklet_needs"),
}
# A contract takes effect in a year a person would type (its due date is computed from it).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def effective_date_error(effective: date | None) -> str | None:
    """The contract's effective date, when given, in a plausible year."""
    if effective is not None and not FIRST_YEAR <= effective.year <= LAST_YEAR:
        return f"Indiquez une date d'effet entre {FIRST_YEAR} et {LAST_YEAR}."
    return None


def choice_error(value: str | None, choices: tuple[tuple[str, str], ...]) -> str | None:
    """A select's value is one of its choices (or empty: to be specified)."""
    if value and value not in dict(choices):
        return "Choix invalide."
    return None


@dataclass(frozen=True)
class ItemSpec:
    key: str
    label: str
    section: str
    fields: tuple[str, ...]
    extranet_only: bool = False
    otherwise: tuple[str, ...] = ()  # fields that fill the item as well, all together


# « les informations à transmettre »: each line of the slide, with the fields that fill it.
ITEMS = (
    ItemSpec("contact", "Interlocuteur principal", "contacts", ("contact_name",)),
    ItemSpec("address", "Adresse postale générale", "contacts", ("address",)),
    ItemSpec("phone", "Téléphone", "contacts", ("phone",)),
    ItemSpec("email", "E-mail général", "contacts", ("email",)),
    ItemSpec("fram_code", "Code Fram", "contract", ("fram_code",)),
    ItemSpec("effective_date", "Date d'effet du contrat", "contract", ("effective_date",)),
    ItemSpec("due_date", "Date d'échéance (exercice comptable)", "contract",
             ("fiscal_year_end",)),
    ItemSpec("revenue", "Chiffre d'affaires et exercice", "contract",
             ("revenue", "revenue_year")),
    ItemSpec("billing_basis", "Facturation : base départ ou base souscription", "billing",
             ("billing_basis",)),
    ItemSpec("accounting", "Contact comptabilité (nom et téléphone)", "billing",
             ("accounting_name", "accounting_phone")),
    ItemSpec("subscription_format", "Format de souscription", "subscription",
             ("subscription_format",)),
    # « Adresse mail de réception des souscriptions si différente de la générale »: the
    # general e-mail, said to be the same, fills it too.
    ItemSpec("reception_email", "Adresse de réception des souscriptions", "subscription",
             ("reception_email",), extranet_only=True,
             otherwise=("reception_same", "email")),
    ItemSpec("login_preference", "Préférence login et mot de passe", "subscription",
             ("login_preference",), extranet_only=True),
    ItemSpec("chiefs", "Personnes en statut CHEF et/ou SUPERCHEF", "subscription",
             ("chiefs",), extranet_only=True),
    ItemSpec("logo", "Logo client en HD", "logo", ("logo_name",)),
    ItemSpec("booklets", "Type, format et quantité de livrets", "booklets",
             ("booklet_type", "booklet_format", "booklet_quantity")),
)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    section: str
    filled: bool


def _filled(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def checklist_items(values: Mapping[str, object]) -> list[Item]:
    """The items required of this checklist, each filled or not: « Si souscription sur
    l'Extranet » adds the reception e-mail, the login preference and the CHEF/SUPERCHEF
    people."""
    extranet = values.get("subscription_format") == EXTRANET
    return [Item(spec.key, spec.label, spec.section, _item_filled(spec, values))
            for spec in ITEMS if extranet or not spec.extranet_only]


def _item_filled(spec: ItemSpec, values: Mapping[str, object]) -> bool:
    return any(fields and all(_filled(values.get(f)) for f in fields)
               for fields in (spec.fields, spec.otherwise))


def progress(items: list[Item]) -> tuple[int, int]:
    """« n / m »: items filled, items required."""
    return sum(1 for i in items if i.filled), len(items)


def completion_error(items: list[Item]) -> str | None:
    """The checklist cannot be marked complete while a required item is missing."""
    missing = [i.label for i in items if not i.filled]
    if not missing:
        return None
    return "Impossible de marquer la fiche complète : il manque " + ", ".join(missing) + "."


_DAY_MONTH = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*")


def parse_day_month(text: str) -> tuple[int, int]:
    """« 31/12 » → (31, 12); raise ValueError with a French message."""
    match = _DAY_MONTH.fullmatch(text or "")
    if not match:
        raise ValueError("Saisissez le jour et le mois de clôture, par exemple 31/12.")
    day, month = int(match[1]), int(match[2])
    try:
        date(2024, month, day)  # a leap year: 29/02 is a possible closing day
    except ValueError:
        raise ValueError("Cette date de clôture n'existe pas.") from None
    return day, month


def _closing(year: int, day: int, month: int) -> date:
    if (month, day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


def due_date(effective: date, closing_day: int, closing_month: int) -> date:
    """« Date d'échéance : A déterminer en fonction de l'exercice comptable du client »:
    the end of the client's accounting year that follows the effective date."""
    closing = _closing(effective.year, closing_day, closing_month)
    return closing if closing > effective else _closing(effective.year + 1, closing_day,
                                                        closing_month)


_STATUS_WORD = re.compile(r"\b(SUPERCHEF|CHEF)\b", re.IGNORECASE)


def parse_chiefs(text: str) -> list[tuple[str, str]]:
    """« Déterminer les personnes en statut CHEF et/ou SUPERCHEF »: one person a line,
    « Marie Dupont : SUPERCHEF »; raise ValueError naming the line without a status."""
    people = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _STATUS_WORD.search(line)
        name = _STATUS_WORD.sub(" ", line).strip(" :-–—()\t")
        if not match or not name:
            raise ValueError("Précisez le nom et le statut CHEF ou SUPERCHEF : "
                             f"« {line.strip()} ».")
        people.append((" ".join(name.split()), match[1].upper()))
    return people


# « Logo client : A demander en HD ».
LOGO_MIN_SIDE = 1000  # pixels on the longer side


def logo_error(size: tuple[int, int] | None) -> str | None:
    """The logo is « en HD »: at least LOGO_MIN_SIDE pixels on its longer side."""
    if size is None:
        return "Image illisible : envoyez le logo en PNG, JPEG ou WebP."
    width, height = size
    if max(width, height) < LOGO_MIN_SIDE:
        return (f"Logo trop petit ({width} × {height} pixels) : demandez-le en HD, au "
                f"moins {LOGO_MIN_SIDE} pixels sur le plus grand côté.")
    return None
