"""What the fault scripts of bench/ (issue #19) found, each pinned by a test."""

from datetime import date

from flask_login import login_user
from sqlalchemy import select, update

from webapp.auth.services import open_session
from webapp.extensions import db
from webapp.opportunities.board.queries import Filters, one_card
from webapp.opportunities.board.updates import moved_response
from webapp.opportunities.models import Opportunity, Stage


def _stage(name: str) -> Stage:
    return db.session.scalar(select(Stage).where(Stage.name == name))


def test_a_card_moved_by_someone_else_meanwhile_is_drawn_where_it_is_now(
        app, org, make_client, make_opportunity):
    """bench/faults_moves.py: 8 movers on one card gave 500s (KeyError) when another
    mover committed between the card's load and its drawing (the card was drawn with
    the stage it had when loaded)."""
    card = make_opportunity(make_client(advisor=org["advisor"]))
    assert card.stage.name == "En traitement"
    contacted = _stage("Contacté")
    with db.engine.begin() as other:  # another worker's committed move
        other.execute(update(Opportunity).where(Opportunity.id == card.id)
                      .values(stage_id=contacted.id, version=Opportunity.version + 1))
    drawn = one_card(card, date.today())
    assert drawn is not None and drawn.stage_id == contacted.id
    open_session(org["bdc_agent"], "pytest", "127.0.0.1")
    with app.test_request_context():
        login_user(org["bdc_agent"])
        body, status, _ = moved_response(card, _stage("En traitement").id, Filters())
    assert status == 200 and f'afterbegin:#cards-{contacted.id}' in body


def test_the_bo_queue_with_an_assignee_beyond_any_id_is_no_filter(org, login):
    """The fuzz suite's long run on PostgreSQL (FUZZ_EXAMPLES=40): ``/bo/?assignee=`` with
    20 digits was a 500 (integer out of range); like every id beyond any row, no filter."""
    http = login(org["bo_assistant"])
    for value in ("99999999999999999999", str(2**31), "2147483647", "12"):
        assert http.get(f"/bo/?assignee={value}").status_code == 200
