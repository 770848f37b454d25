"""Churn in the client's activity feed (a row links to the client file's follow-up)."""

from flask import url_for
from sqlalchemy import case, literal, select

from webapp.activities.churn.models import Churn, ChurnReason, ChurnScope
from webapp.activities.feed import Source, register


def _rows(client_id: int):
    scope = case(ChurnScope.labels(), value=Churn.scope, else_=Churn.scope)
    reason = case(ChurnReason.labels(), value=Churn.reason, else_=Churn.reason)
    return select(Churn.created_at.label("at"),
                  (scope + literal(" — ") + reason).label("title"),
                  Churn.client_id.label("ref_id")).where(Churn.client_id == client_id)


SOURCE = register(Source(
    kind="churn", label="Chute", rows=_rows, endpoint="clients.detail",
    link=lambda ref_id: url_for("clients.detail", client_id=ref_id, _anchor="followup")))
