"""Writes on incentive sales: one entered by hand, a file imported all or nothing; both
write through ``_write`` after the same rule (``sale_error``)."""

import csv
import io

from flask import current_app

from webapp.auth.models import User
from webapp.backoffice.incentives.rules import (
    SALE_COLUMNS,
    SaleLine,
    clean_sale,
    parse_sale,
    sale_error,
)
from webapp.backoffice.models import Sale
from webapp.errors import Refused
from webapp.extensions import db

MAX_ERRORS = 20


def _write(lines: list[SaleLine], user: User) -> list[Sale]:
    sales = [Sale(sold_on=line.sold_on, agency=line.agency, seller=line.seller,
                  policy=line.policy, amount=line.amount, created_by_id=user.id)
             for line in lines]
    db.session.add_all(sales)
    db.session.flush()
    return sales


def add_sale(line: SaleLine, user: User) -> Sale:
    """One policy sold, entered by hand with its incentive."""
    line = clean_sale(line)
    if error := sale_error(line):
        raise Refused(error[0].upper() + error[1:] + ".")
    return _write([line], user)[0]


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's French CSV


class ImportRefused(Refused):
    """A sales file refused as a whole: ``errors``, one French line each."""

    def __init__(self, errors: list[str]):
        super().__init__("Rien n'a été importé : " + " ".join(errors))
        self.errors = errors


def import_sales(file_storage, user: User) -> int:
    """Read a sales CSV (``;`` or ``,``; the columns SALE_COLUMNS, in any order) and save
    every line (how many), or nothing when a line is wrong (``ImportRefused``)."""
    data = file_storage.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise ImportRefused(["Le fichier dépasse la taille autorisée."])
    text = _text(data)
    if not text.strip():
        raise ImportRefused(["Le fichier ne contient aucune vente."])
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in SALE_COLUMNS if name not in reader.fieldnames]
    if missing:
        raise ImportRefused(["Colonnes attendues : " + ";".join(SALE_COLUMNS) + " (il manque "
                   + ", ".join(missing) + ")."])
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):
        try:
            lines.append(parse_sale(row))
        except ValueError as error:
            errors.append(f"Ligne {number} : {error}.")
            if len(errors) >= MAX_ERRORS:
                errors.append("… (les suivantes ne sont pas lues)")
                break
    if errors or not lines:
        raise ImportRefused(errors or ["Le fichier ne contient aucune vente."])
    _write(lines, user)
    return len(lines)
