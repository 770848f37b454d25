"""One commit or rollback per request, in one place (indico's pattern): routes never commit.

Services change data and flush. After the view, a response below 400 commits what the
request wrote; an error response (a refused form re-rendered with 422, a 409 conflict, a
404) or an exception rolls it back, so a refused request leaves nothing half-written.
Commands (``flask data …``, the worker) commit themselves: they have no request.
"""

from sqlalchemy import TextClause, event
from sqlalchemy.orm import Session

from webapp.extensions import db

WROTE = "pilote.wrote"


@event.listens_for(Session, "after_flush")
def _wrote(session, _context):
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _statement_wrote(state):
    # A plain INSERT / UPDATE / DELETE (a bulk conclusion, a reorder) writes without a flush.
    if not (state.is_select or _reads(state.statement)):
        state.session.info[WROTE] = True


def _reads(statement) -> bool:
    """A textual SELECT (``text("SELECT …")``) reads; any other text may write."""
    return isinstance(statement, TextClause) and \
        str(statement).lstrip().upper().startswith("SELECT")


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _settled(session):
    session.info.pop(WROTE, None)


def pending(session) -> bool:
    """The session holds writes not yet committed (flushed or not)."""
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


def init_app(app) -> None:
    @app.after_request
    def _commit_or_rollback(response):
        session = db.session
        if not pending(session):
            return response
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
        return response
