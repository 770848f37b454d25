"""Direct tests of the client-file services (the screens, the import and the demo write
through them), refusals included."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.clients.models import Account, AdvisorPeriod, Client
from webapp.clients.rules import parse_phone
from webapp.clients.services import (
    AccountInput,
    ClientInput,
    account_row,
    add_account,
    client_row,
    save_client,
    set_referrer,
)
from webapp.concurrency import Conflict, save_versioned
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.history import AuditRow


def _anne(**changes) -> ClientInput:
    values = {"first_name": " Élodie ", "last_name": "D'Aubigné", "email": "Elodie@Example.fr",
              "phone": parse_phone("06 12 34 56 78"), "city": " Laval ", "civility": "Mme"}
    return ClientInput(**{**values, **changes})


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRow))


def test_save_client_writes_the_file_and_its_search_keys(org):
    client = save_client(Client(), _anne(advisor_id=org["advisor"].id))
    db.session.commit()
    assert (client.first_name, client.city, client.language) == ("Élodie", "Laval", "fr")
    assert (client.name_key, client.name_key_rev) == ("d aubigne elodie", "elodie d aubigne")
    assert client.email_key == "elodie@example.fr"
    assert (client.phone, client.phone_key, client.phone_is_mobile) == (
        "+33 6 12 34 56 78", "0612345678", True)
    assert [(p.advisor_id, p.started_on, p.ended_on) for p in client.advisor_periods] == [
        (org["advisor"].id, clock.today(), None)]


def test_save_client_changes_the_advisor_with_its_history(org):
    client = save_client(Client(), _anne(advisor_id=org["advisor"].id))
    save_client(client, _anne(advisor_id=org["manager"].id))
    periods = {p.advisor_id: p.ended_on for p in client.advisor_periods}
    assert periods == {org["advisor"].id: clock.today(), org["manager"].id: None}


def test_a_change_of_advisor_counts_the_former_one_without_a_history_line(org):
    """« Nouveau conseiller » (seed 002: one who took over after a former advisor) reads
    the count kept here; the history shows the advisor's change, not the derived count."""
    from webapp.clients.rules import AdvisorSituation
    from webapp.history import AuditRow

    client = save_client(Client(), _anne(advisor_id=org["advisor"].id))
    db.session.commit()
    assert (client.former_advisors, client.advisor_situation) == (0, AdvisorSituation.PRESENT)
    save_client(client, _anne(advisor_id=org["manager"].id))
    db.session.commit()
    assert (client.former_advisors, client.advisor_situation) == (1, AdvisorSituation.NEW)
    fields = set(db.session.scalars(select(AuditRow.field).where(
        AuditRow.object_type == "client", AuditRow.object_id == client.id)))
    assert "advisor_id" in fields and "former_advisors" not in fields


def test_saving_the_same_values_writes_nothing(org):
    client = save_client(Client(), _anne(advisor_id=org["advisor"].id))
    db.session.commit()
    version, audits = client.version, _audit_count()
    save_client(client, _anne(advisor_id=org["advisor"].id))
    db.session.commit()
    assert (client.version, _audit_count()) == (version, audits)


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("name", ["Unknown", "undefined", " INCONNU "])
def test_save_client_refuses_a_placeholder_name(org, field, name):
    with pytest.raises(FieldRefused) as refused:
        save_client(Client(), _anne(**{field: name}))
    assert refused.value.field == field and refused.value.status == 422
    assert "vrai nom du client" in refused.value.message


def test_nobody_recommends_themself(org):
    client = save_client(Client(), _anne())
    with pytest.raises(FieldRefused) as refused:
        save_client(client, _anne(referred_by_id=client.id))
    assert refused.value.message == "Un client ne peut pas se recommander lui-même."
    with pytest.raises(FieldRefused):
        set_referrer(client, client.id)
    other = save_client(Client(), _anne(first_name="Paul"))
    set_referrer(client, other.id)
    assert client.referred_by is other


def test_save_versioned_client_refuses_a_stale_version(org):
    client = save_client(Client(), _anne())
    db.session.commit()
    with pytest.raises(Conflict) as conflict:
        save_versioned(client, client.version - 1, lambda: save_client(client, _anne()))
    assert conflict.value.status == 409


def test_client_row_is_what_save_client_writes(org):
    values = _anne(phone2=parse_phone("+33 1 42 68 53 00"), notes=" ", branch_id=0)
    client = save_client(Client(), values)
    row = client_row(values)
    assert {name: getattr(client, name) for name in row} == row
    assert row["notes"] is None and row["branch_id"] is None


def test_add_account(org, make_client):
    client = make_client()
    values = AccountInput(number=" 123-45 ", product="Livret A", opened_on=date(2025, 3, 1),
                          amount=Decimal("1500.50"))
    account = add_account(client, values)
    db.session.commit()
    assert (account.client_id, account.number, account.amount) == (
        client.id, "123-45", Decimal("1500.50"))
    assert account_row(client.id, values) == {
        "client_id": client.id, "number": "123-45", "product": "Livret A",
        "opened_on": date(2025, 3, 1), "amount": Decimal("1500.50")}
    assert db.session.scalar(select(func.count()).select_from(Account)) == 1
    assert db.session.scalar(select(func.count()).select_from(AdvisorPeriod)) == 0
