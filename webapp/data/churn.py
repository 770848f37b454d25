"""The ``churn`` section: churns recorded through ``record_churn`` (a churn is a fact: a
stored key is left as it is); matched by key. ``account`` is the key of one of the
client's accounts, ``product`` a product of the catalogue."""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp.activities.catalogue.models import Product
from webapp.activities.churn.models import Churn, ChurnReason, ChurnScope
from webapp.activities.churn.rules import LABEL_MAX, churn_error
from webapp.activities.churn.services import record_keyed_churn
from webapp.auth.models import User
from webapp.clients.models import Account, Client
from webapp.data.operations import day
from webapp.data.schema import Field, choice, key, ref, text
from webapp.data.sections import Context, Item, Section, Tally, ids_by_key, rows_by_key
from webapp.extensions import db

FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "scope": choice(ChurnScope, required=True),
    "day": day(required=True),
    "reason": choice(ChurnReason, required=True),
    "account": text(Account.key),
    "product": ref("catalogue"),
    "range_label": text(Churn.range_label, length=LABEL_MAX),
    "suborder_label": text(Churn.suborder_label, length=LABEL_MAX),
    "actor": ref("users"),
}


def check(items: list[Item], ctx: Context) -> None:
    accounts = rows_by_key(Account, {i.values.get("account") for i in items}, Account.client_id)
    clients = ids_by_key(Client, {i.values.get("client") for i in items})
    for item in items:
        values = item.values
        account = values.get("account")
        if account and (account not in accounts or accounts[account].client_id
                        != clients.get(values.get("client"), accounts[account].client_id)):
            ctx.fail(item, "account", f"compte inconnu du client « {account} »")
        if not item.ok or values.get("scope") is None:
            continue
        if error := churn_error(values["scope"].value, values["reason"].value, values["day"],
                                scopes=set(ChurnScope.labels()),
                                reasons=set(ChurnReason.labels()),
                                account_id=1 if account else None,
                                product_id=1 if values.get("product") else None,
                                range_label=values.get("range_label"),
                                suborder_label=values.get("suborder_label")):
            ctx.error(item.path, error)
            item.ok = False


def load(items: list[Item]) -> Tally:
    clients = ids_by_key(Client, {i.values["client"] for i in items})
    accounts = ids_by_key(Account, {i.values.get("account") for i in items})
    products = ids_by_key(Product, {i.values.get("product") for i in items})
    actors = ids_by_key(User, {i.values.get("actor") for i in items})
    tally = Tally()
    for item in items:
        v = item.values
        _churn, created = record_keyed_churn(
            item.key, clients[v["client"]], scope=v["scope"], day=v["day"],
            reason=v["reason"].value, account_id=accounts.get(v.get("account")),
            product_id=products.get(v.get("product")), range_label=v.get("range_label"),
            suborder_label=v.get("suborder_label"), actor_id=actors.get(v.get("actor")))
        tally.count(created, False)
    return tally


def export():
    client, account, product, actor = (aliased(Client), aliased(Account), aliased(Product),
                                       aliased(User))
    stmt = (select(Churn, client.key.label("client"), account.key.label("account"),
                   product.key.label("product"), actor.key.label("actor"))
            .join(client, Churn.client_id == client.id)
            .outerjoin(account, Churn.account_id == account.id)
            .outerjoin(product, Churn.product_id == product.id)
            .outerjoin(actor, Churn.actor_id == actor.id).order_by(Churn.key))
    for row in db.session.execute(stmt):
        c = row.Churn
        yield {"key": c.key or f"churn-{c.id}", "client": row.client, "scope": c.scope,
               "day": c.day.isoformat(), "reason": c.reason, "account": row.account,
               "product": row.product, "range_label": c.range_label,
               "suborder_label": c.suborder_label, "actor": row.actor}


SECTION = Section(name="churn", label="Chutes", model=Churn, key_prefix="churn",
                  unknown="chute inconnue", fields=FIELDS, check=check, load=load,
                  export=export)
