"""Reads of churn: a client's churns (the client file)."""

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from webapp.activities.churn.models import Churn, ChurnScope
from webapp.clients.models import Account
from webapp.extensions import db


def client_churns(client_id: int) -> list[Churn]:
    return db.session.scalars(
        select(Churn).where(Churn.client_id == client_id)
        .options(joinedload(Churn.account), joinedload(Churn.product))
        .order_by(Churn.day.desc(), Churn.id.desc())).all()


def client_accounts(client_id: int) -> list[Account]:
    return db.session.scalars(select(Account).where(Account.client_id == client_id)
                              .order_by(Account.number)).all()


def in_total_churn(client_id_column):
    """The condition « this client is in total churn » (the client list's filter)."""
    return exists().where(Churn.client_id == client_id_column,
                          Churn.scope == ChurnScope.TOTAL.value)
