"""Writes on incentive sales: one entered by hand, a file imported all or nothing."""

import csv
import io

from flask import current_app

from webapp.auth.models import User
from webapp.backoffice.incentives.rules import SALE_COLUMNS, parse_sale
from webapp.backoffice.models import Sale
from webapp.extensions import db

MAX_ERRORS = 20


def add_sale(form, user: User) -> Sale:
    sale = Sale(sold_on=form.sold_on.data, agency=" ".join(form.agency.data.split()),
                seller=" ".join(form.seller.data.split()),
                policy=" ".join(form.policy.data.split()), amount=form.amount.data,
                created_by_id=user.id)
    db.session.add(sale)
    db.session.flush()
    return sale


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's French CSV


def import_sales(file_storage, user: User) -> tuple[int, list[str]]:
    """Read a sales CSV (``;`` or ``,``; the columns SALE_COLUMNS, in any order) and save
    every line, or nothing when a line is wrong: (lines saved, French errors)."""
    data = file_storage.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        return 0, ["Le fichier dépasse la taille autorisée."]
    text = _text(data)
    if not text.strip():
        return 0, ["Le fichier ne contient aucune vente."]
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in SALE_COLUMNS if name not in reader.fieldnames]
    if missing:
        return 0, ["Colonnes attendues : " + ";".join(SALE_COLUMNS) + " (il manque "
                   + ", ".join(missing) + ")."]
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
        return 0, errors or ["Le fichier ne contient aucune vente."]
    db.session.add_all(Sale(sold_on=line.sold_on, agency=line.agency, seller=line.seller,
                            policy=line.policy, amount=line.amount, created_by_id=user.id)
                       for line in lines)
    db.session.flush()
    return len(lines), []
