"""The kanban: columns with counts and sums, CARDS (10) cards then more on scroll, filters in the
URL, moves (out-of-band swaps; a refused move opens what is missing), expiry, stock
conflicts, the list view and its CSV / Excel exports."""

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from webapp import clock
from webapp.extensions import db
from webapp.history import AuditRow
from webapp.opportunities.board.queries import CARDS
from webapp.opportunities.models import LostReason, Opportunity, Stage

HTMX = {"HX-Request": "true"}


def stage(name: str) -> Stage:
    return db.session.scalar(select(Stage).where(Stage.name == name))


@pytest.fixture
def http(org, login):
    return login(org["bdc_agent"])


def _columns(html: str) -> list[str]:
    return [unescape(part.split("</h2>", 1)[0].split(">")[-1])
            for part in html.split('class="h6 mb-0" id="stage-')[1:]]


def test_board_columns_counts_and_sums(http, anne, make_opportunity):
    make_opportunity(anne, amount=Decimal("32000"))
    make_opportunity(anne, amount=Decimal("8000.50"))
    make_opportunity(anne, stage="Contacté")
    page = http.get("/opportunities/")
    assert page.status_code == 200 and "<html" in page.text
    assert _columns(page.text) == [s.name for s in db.session.scalars(
        select(Stage).order_by(Stage.position))]
    first = stage("En traitement")
    assert (f'id="total-{first.id}">2 opportunités · 40\u202f000,50\u00a0€' in page.text
            or f'id="total-{first.id}">2 opportunités · 40 000,50\u00a0€' in page.text)
    assert f'id="total-{stage("Contacté").id}">1 opportunité · 0\u00a0€' in page.text
    fragment = http.get("/opportunities/", headers=HTMX)
    assert "<html" not in fragment.text and 'id="cards-' in fragment.text


def test_columns_load_a_page_of_cards_then_more(http, anne, make_opportunity):
    assert CARDS == 10  # a tablet column shows 4 cards: two screens and a half, then the next page
    made = [make_opportunity(anne) for _ in range(CARDS + 3)]
    now = datetime.now(UTC)
    for n, opportunity in enumerate(made):  # distinct entry times: made[0] is the newest
        opportunity.stage_entered_at = now - timedelta(minutes=n)
    db.session.commit()
    page = http.get("/opportunities/").text
    shown = [o.id for o in made if f'id="card-{o.id}"' in page]
    assert shown == [o.id for o in made[:CARDS]]
    more = page.split('class="kanban-more', 1)[1].split('hx-get="', 1)[1].split('"', 1)[0]
    next_page = http.get(more.replace("&amp;", "&"), headers=HTMX)
    assert next_page.status_code == 200
    assert [o.id for o in made if f'id="card-{o.id}"' in next_page.text] == [
        o.id for o in made[CARDS:]]
    assert "kanban-more" not in next_page.text  # the column is complete


def test_filters_are_in_the_url(http, org, anne, make_opportunity, make_branch):
    mine = make_opportunity(anne, owner_id=org["bdc_agent"].id)
    other = make_opportunity(anne, owner_id=org["manager"].id)
    old = make_opportunity(anne, owner_id=org["bdc_agent"].id,
                           created_at=datetime(2025, 1, 10, 12, tzinfo=UTC))
    page = http.get(f"/opportunities/?owner_id={org['bdc_agent'].id}").text
    assert f'id="card-{mine.id}"' in page and f'id="card-{other.id}"' not in page
    assert f'<option value="{org["bdc_agent"].id}" selected>' in page
    page = http.get("/opportunities/?since=2025-01-01&until=2025-01-31").text
    assert f'id="card-{old.id}"' in page and f'id="card-{mine.id}"' not in page
    assert 'value="2025-01-01"' in page
    # The move and scroll URLs carry the filters.
    assert f"owner_id={org['bdc_agent'].id}" in http.get(
        f"/opportunities/?owner_id={org['bdc_agent'].id}").text.split(
        f'id="card-{mine.id}"', 1)[1].split("</li>", 1)[0]
    branch = make_branch("Québec")
    assert f'id="card-{mine.id}"' not in http.get(f"/opportunities/?branch_id={branch.id}").text
    assert http.get("/opportunities/?owner_id=abc&since=hier").status_code == 200


def test_move_menu_lists_the_other_stages(http, anne, make_opportunity):
    opportunity = make_opportunity(anne)
    menu = http.get(f"/opportunities/{opportunity.id}/move?view=board", headers=HTMX).text
    assert "<html" not in menu and "Déplacer « Anne Roux » vers…" in menu
    assert menu.count('name="stage_id"') == 12 and ">En traitement</button>" not in menu


def test_move_answers_out_of_band_swaps(http, anne, make_opportunity):
    opportunity = make_opportunity(anne, amount=Decimal("1000"))
    contacted = stage("Contacté")
    response = http.post(f"/opportunities/{opportunity.id}/move?view=board",
                         data={"stage_id": contacted.id}, headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    assert f'<li id="card-{opportunity.id}" hx-swap-oob="delete">' in response.text
    assert f'hx-swap-oob="afterbegin:#cards-{contacted.id}"' in response.text
    assert f'id="total-{contacted.id}" hx-swap-oob="true">1 opportunité · 1' in response.text
    assert json.loads(response.headers["HX-Trigger-After-Swap"]) == {
        "pilote:close-dialog": True}
    db.session.refresh(opportunity)
    assert opportunity.stage_id == contacted.id
    audit = db.session.scalars(select(AuditRow).where(
        AuditRow.object_type == "opportunity", AuditRow.field == "stage_id",
        AuditRow.action == "update")).all()
    assert [(a.old, a.new) for a in audit] == [(str(stage("En traitement").id),
                                                str(contacted.id))]


def test_move_out_of_the_filter_removes_the_card(http, org, anne, make_opportunity):
    """Under a filter the card may leave the board: it is deleted, not re-inserted."""
    opportunity = make_opportunity(anne, owner_id=org["bdc_agent"].id)
    response = http.post(
        f"/opportunities/{opportunity.id}/move?view=board&type_id=9999",
        data={"stage_id": stage("Contacté").id}, headers=HTMX)
    assert "hx-swap-oob=\"delete\"" in response.text and "afterbegin" not in response.text


def test_lost_needs_a_reason_asked_in_the_dialog(http, anne, make_opportunity):
    opportunity = make_opportunity(anne)
    lost = stage("Perdu BDC")
    url = f"/opportunities/{opportunity.id}/move?view=board"
    refused = http.post(url, data={"stage_id": lost.id}, headers=HTMX)
    assert refused.status_code == 200
    assert json.loads(refused.headers["HX-Trigger"]) == {"kanban:refused": {"id": opportunity.id}}
    # (the heading says what to complete: it used to end on « complétez »)
    assert ("Pour passer « Anne Roux » en « Perdu BDC », complétez d'abord ces champs :"
            "</h2>") in refused.text
    assert 'name="lost_reason_id"' in refused.text and 'name="phone"' not in refused.text
    db.session.refresh(opportunity)
    assert opportunity.stage.name == "En traitement"
    empty = http.post(url, data={"stage_id": lost.id, "fill": "1", "lost_reason_id": "0"},
                      headers=HTMX)
    assert empty.status_code == 200 and 'name="lost_reason_id"' in empty.text
    bad = http.post(url, data={"stage_id": lost.id, "fill": "1", "lost_reason_id": "9999"},
                    headers=HTMX)
    assert bad.status_code == 422 and "choix valide" in bad.text
    reason = db.session.scalar(select(LostReason).where(LostReason.name == "Doublon"))
    done = http.post(url, data={"stage_id": lost.id, "fill": "1",
                                "lost_reason_id": reason.id}, headers=HTMX)
    assert done.status_code == 200 and "hx-swap-oob" in done.text
    db.session.refresh(opportunity)
    assert (opportunity.stage.name, opportunity.lost_reason.name) == ("Perdu BDC", "Doublon")


def test_rendez_vous_cedule_asks_the_fields_then_the_meeting(http, org, anne, laval,
                                                            make_opportunity):
    opportunity = make_opportunity(anne, name="Unknown Roux", phone="+33 4 78 12 34 56",
                                   phone_is_mobile=False, branch_id=laval.id, language="fr")
    target = stage("Rendez-vous cédulé")
    url = f"/opportunities/{opportunity.id}/move?view=board"
    refused = http.post(url, data={"stage_id": target.id}, headers=HTMX)
    for name in ("name", "phone", "email", "owner_id", "spex_id", "sales_director_id"):
        assert f'name="{name}"' in refused.text, name
    assert 'name="branch_id" value="' in refused.text  # hidden: known, for the rotation
    assert "Une réunion planifiée" in refused.text  # what comes after the fields
    fields = {"stage_id": target.id, "fill": "1", "name": "Anne Roux",
              "phone": "04 78 12 34 56", "email": "anne.roux@example.fr",
              "owner_id": org["bdc_agent"].id, "spex_id": org["advisor"].id,
              "sales_director_id": org["manager"].id}
    bad = http.post(url, data=fields, headers=HTMX)
    assert bad.status_code == 422 and "ligne fixe" in bad.text
    assert 'value="anne.roux@example.fr"' in bad.text
    meeting_step = http.post(url, data={**fields, "phone": "06 12 34 56 78"}, headers=HTMX)
    assert meeting_step.status_code == 200
    assert "Créer la réunion de « Anne Roux »" in meeting_step.text
    assert f'/opportunities/{opportunity.id}/meetings/new?view=board' in meeting_step.text
    db.session.refresh(opportunity)
    assert opportunity.stage.name == "En traitement"  # fields kept, not moved yet
    assert (opportunity.phone_is_mobile, opportunity.spex_id) == (True, org["advisor"].id)


def test_taken_in_charge_records_the_sale_date(http, anne, make_opportunity):
    """« Pris en charge : Vendu (date de vente générée) »."""
    opportunity = make_opportunity(anne, stage="Rendez-vous présent / Walk-in")
    http.post(f"/opportunities/{opportunity.id}/move", data={
        "stage_id": stage("Pris en charge").id})
    db.session.refresh(opportunity)
    assert opportunity.sale_date == clock.today()


def test_expired_opportunity(http, anne, make_opportunity):
    """More than 8 weeks in « Contacté »: badge, no meeting, a copy instead."""
    created = datetime.now(UTC) - timedelta(weeks=8, days=2)
    expired = make_opportunity(anne, stage="Contacté", created_at=created, stock_number="A1")
    fresh = make_opportunity(anne, stage="Contacté")
    page = http.get("/opportunities/").text
    card = page.split(f'id="card-{expired.id}"', 1)[1].split("</li>", 1)[0]
    assert "Expirée" in card
    assert "Expirée" not in page.split(f'id="card-{fresh.id}"', 1)[1].split("</li>", 1)[0]
    blocked = http.get(f"/opportunities/{expired.id}/meetings/new")
    assert "Créez une nouvelle opportunité" in blocked.text
    assert 'name="starts_at"' not in blocked.text
    assert http.post(f"/opportunities/{expired.id}/meetings/new").status_code == 422
    copy = http.post(f"/opportunities/{expired.id}/copy")
    assert copy.status_code == 302
    new = db.session.scalars(select(Opportunity).order_by(Opportunity.id.desc())).first()
    assert new.id not in (expired.id, fresh.id) and new.copied_from_id == expired.id
    assert (new.stage.name, new.client_id, new.stock_number) == ("En traitement", anne.id, "A1")
    assert "Reprise de l'opportunité expirée" in new.remarks
    assert not new.expired(clock.today())


def test_stock_conflicts_flag_both_cards(http, org, make_client, make_opportunity):
    anne = make_client("Anne", "Roux")
    paul = make_client("Paul", "Durand")
    first = make_opportunity(anne, stock_number="A1234")
    second = make_opportunity(paul, stock_number="a 1234", stage="Contacté")
    lost = make_opportunity(paul, stock_number="A1234", stage="Perdu BDC")
    alone = make_opportunity(paul, stock_number="B77")
    page = http.get("/opportunities/").text

    def card(o):
        return page.split(f'id="card-{o.id}"', 1)[1].split("</li>", 1)[0]

    assert f"/opportunities/{second.id}\">Conflit de stock" in card(first)
    assert f"/opportunities/{first.id}\">Conflit de stock" in card(second)
    assert "Conflit" not in card(alone) and "Conflit" not in card(lost)
    detail = http.get(f"/opportunities/{first.id}").text
    assert "Conflit de stock" in detail and f"/opportunities/{second.id}" in detail


def test_someone_elses_opportunity_cannot_be_moved(org, login, make_client,
                                                   make_opportunity):
    paul = make_client("Paul", "Durand", advisor=org["other_advisor"])
    theirs = make_opportunity(paul, spex_id=org["other_advisor"].id)
    http = login(org["advisor"])
    assert http.post(f"/opportunities/{theirs.id}/move",
                     data={"stage_id": stage("Contacté").id}).status_code == 404
    assert http.get(f"/opportunities/{theirs.id}/move").status_code == 404
    mine = make_opportunity(paul, spex_id=org["advisor"].id)
    assert http.post(f"/opportunities/{mine.id}/move",
                     data={"stage_id": 9999}).status_code == 404


def test_list_view_and_exports(http, org, anne, make_opportunity):
    make_opportunity(anne, amount=Decimal("32000.50"), owner_id=org["bdc_agent"].id,
                     vehicle_make="Toyota", vehicle_model="RAV4", vehicle_year=2022)
    make_opportunity(anne, stage="Contacté", owner_id=org["manager"].id)
    listing = http.get(f"/opportunities/list?owner_id={org['bdc_agent'].id}")
    assert listing.status_code == 200 and "1 opportunité" in listing.text
    assert "Exporter en Excel" in listing.text
    assert "<html" not in http.get("/opportunities/list", headers=HTMX).text
    csv_text = http.get(f"/opportunities/export.csv?owner_id={org['bdc_agent'].id}").data.decode(
        "utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("N°;Nom;Client;Téléphone") and len(lines) == 2
    assert "32000,50" in lines[1] and "Toyota RAV4 2022" in lines[1]
    response = http.get(f"/opportunities/export.xlsx?stage_id={stage('Contacté').id}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("N°", "Nom", "Client") and len(rows) == 2
    assert rows[1][6] == "Contacté" and rows[1][7] == "Non"


def test_stock_conflicts_count_active_ones_and_show_each_situation(
        http, org, make_client, make_opportunity):
    """Issue 13.6: a delivered (« Livré ») or an expired opportunity no longer claims its
    vehicle; both cards of a conflict say which has a deposit and which the client on
    site (seed 003 « Dépôt BDC vs Rendez-vous présent vs Walk-In naturel »)."""
    from webapp.opportunities.models import Meeting

    anne, paul = make_client("Anne", "Roux"), make_client("Paul", "Durand")
    deposit = make_opportunity(anne, stock_number="A1234", stage="Contacté")
    walk_in = make_opportunity(paul, stock_number="A1234",
                               stage="Rendez-vous présent / Walk-in")
    delivered = make_opportunity(paul, stock_number="A1234", stage="Livré")
    expired = make_opportunity(anne, stock_number="A1234",
                               created_at=datetime.now(UTC) - timedelta(weeks=9))
    db.session.add(Meeting(opportunity_id=deposit.id, subject="DÉPÔT / ANNE / A1234",
                           starts_at=datetime.now(UTC) + timedelta(days=1),
                           priority="platinum", deposit_kind="stripe"))
    db.session.commit()
    page = http.get("/opportunities/").text

    def card(o):
        return page.split(f'id="card-{o.id}"', 1)[1].split("</li>", 1)[0]

    assert f"n° {walk_in.id} (client en succursale (walk-in))" in card(deposit)
    assert "Ici : dépôt" in card(deposit)
    assert f"n° {deposit.id} (dépôt)" in card(walk_in)
    assert "Ici : client en succursale (walk-in)" in card(walk_in)
    for other in (delivered, expired):
        assert f"n° {other.id}" not in card(deposit) + card(walk_in)
        assert "Conflit" not in card(other)
    detail = http.get(f"/opportunities/{walk_in.id}").text
    assert f"n° {deposit.id}</a> (dépôt)" in detail
    assert "Celle-ci : client en succursale (walk-in)." in detail


def test_the_copy_of_an_expired_opportunity_is_no_conflict_with_it(http, org, anne,
                                                                    make_opportunity):
    expired = make_opportunity(anne, stock_number="A1234",
                               created_at=datetime.now(UTC) - timedelta(weeks=9))
    assert http.post(f"/opportunities/{expired.id}/copy").status_code == 302
    copy = db.session.scalar(select(Opportunity).where(
        Opportunity.copied_from_id == expired.id))
    assert copy.stock_key == "A1234"
    assert "stock-conflict" not in http.get(f"/opportunities/{copy.id}").text
    assert "stock-conflict" not in http.get(f"/opportunities/{expired.id}").text


def test_an_expired_opportunity_only_goes_to_a_lost_or_invalid_stage(http, anne,
                                                                     make_opportunity):
    """Issue 13.7, seed 003 « Expirée … Si elle l'est, on doit créer une nouvelle OPP »:
    moved to « Walk-in » (a stage that does not expire) it would lose its expiry. The
    move is refused with the copy to make; a lost stage still takes it."""
    created = datetime.now(UTC) - timedelta(weeks=9)
    expired = make_opportunity(anne, stage="Contacté", created_at=created)
    walk_in = stage("Rendez-vous présent / Walk-in")
    refused = http.post(f"/opportunities/{expired.id}/move?view=board",
                        data={"stage_id": walk_in.id}, headers=HTMX)
    assert refused.status_code == 200 and "kanban:refused" in refused.headers["HX-Trigger"]
    assert "Créez une nouvelle opportunité" in refused.text
    assert f"/opportunities/{expired.id}/copy" in refused.text
    db.session.refresh(expired)
    assert expired.stage.name == "Contacté" and expired.expired(clock.today())
    reason = db.session.scalar(select(LostReason).limit(1))
    lost = http.post(f"/opportunities/{expired.id}/move?view=board", headers=HTMX, data={
        "stage_id": stage("Perdu BDC").id, "fill": "1", "lost_reason_id": reason.id})
    assert lost.status_code == 200 and "hx-swap-oob" in lost.text
    db.session.refresh(expired)
    assert expired.stage.name == "Perdu BDC"


def test_a_concurrent_move_answers_409_with_the_card_where_it_is(http, anne,
                                                                 make_opportunity):
    """Two people move one card at once: the second gets 409 and the card as it is now
    (it was a 500: the stale version's UPDATE matched no row)."""
    opportunity = make_opportunity(anne)
    db.session.refresh(opportunity)  # what the loser's request read: version 1
    contacted, answered = stage("Contacté"), stage("Réponse envoyée")
    with db.engine.begin() as other:  # the winner, on another connection, first
        other.execute(Opportunity.__table__.update()
                      .where(Opportunity.__table__.c.id == opportunity.id)
                      .values(stage_id=contacted.id, version=opportunity.version + 1))
    response = http.post(f"/opportunities/{opportunity.id}/move?view=board",
                         data={"stage_id": answered.id}, headers=HTMX)
    assert response.status_code == 409
    assert f'hx-swap-oob="afterbegin:#cards-{contacted.id}"' in response.text
    assert f'id="card-{opportunity.id}"' in response.text
    assert f'id="total-{answered.id}"' in response.text
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).stage_id == contacted.id
    page = http.post(f"/opportunities/{opportunity.id}/move",
                     data={"stage_id": answered.id})  # now the current version: it moves
    assert page.status_code == 302


def test_a_concurrent_move_outside_the_board_is_the_409_page(http, anne, make_opportunity):
    opportunity = make_opportunity(anne)
    db.session.refresh(opportunity)
    with db.engine.begin() as other:
        other.execute(Opportunity.__table__.update()
                      .where(Opportunity.__table__.c.id == opportunity.id)
                      .values(version=opportunity.version + 1))
    response = http.post(f"/opportunities/{opportunity.id}/move",
                         data={"stage_id": stage("Contacté").id})
    assert response.status_code == 409
    assert "vient d&#39;être déplacée ou modifiée par quelqu&#39;un d&#39;autre" in response.text
