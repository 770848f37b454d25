"""Demo step: accounts and contracts held by a third of the clients, inserted in bulk
as ``clients.services.add_account`` writes them (``account_row``); a won sale in an
operation is linked to them."""

from datetime import timedelta

from sqlalchemy import func, select

from webapp.clients.models import Account, Client
from webapp.clients.services import AccountInput, account_row
from webapp.data.bulk import built_at_the_end, insert_rows
from webapp.data.demo_state import Demo
from webapp.extensions import db

CHUNK = 5000
PRODUCTS = ("Assurance vie", "PER individuel", "Livret A", "Compte-titres",
            "Contrat prévoyance", "PEA")
SHARE = 3  # one client in three holds accounts


def create(demo: Demo) -> None:
    rows = []
    with built_at_the_end(Account.__table__):
        for client_id in db.session.scalars(select(Client.id).order_by(Client.id)):
            if demo.rng.randrange(SHARE):
                continue
            for n in range(demo.rng.randint(1, 2)):
                rows.append(account_row(client_id, AccountInput(
                    number=f"{client_id:07d}-{n + 1:02d}", product=demo.rng.choice(PRODUCTS),
                    opened_on=demo.today - timedelta(days=demo.rng.randint(30, 3650)),
                    amount=demo.rng.randrange(1_000, 200_000, 500))))
            if len(rows) >= CHUNK:
                insert_rows(Account.__table__, rows)
                rows = []
        insert_rows(Account.__table__, rows)
    demo.counts["Comptes"] = db.session.scalar(select(func.count(Account.id)))
