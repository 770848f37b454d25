"""Where proposals hand facts to the activities domain (issue #15's contracts): a rejet
becomes a task of kind « rejet » (slide 43), a churn from a proposal a churn record on the
client (slides 40–41). One module, so the wiring is in one place."""

from datetime import date, datetime

from webapp.activities.churn.models import ChurnReason, ChurnScope
from webapp.activities.churn.services import record_churn as _record_churn
from webapp.activities.tasks.models import TaskKind
from webapp.activities.tasks.services import create_task

REASONS = ChurnReason
DEFAULT_REASON = ChurnReason.OTHER


def rejet_task(client_id: int, subject: str, due_at: datetime, assignee_id: int, *,
               reason: str, issuer_id: int | None):
    """The rejet task of a rejected order, for the rep, from whoever rejected it."""
    return create_task(client_id, subject, due_at, assignee_id, kind=TaskKind.REJET,
                       notes=reason, issuer_id=issuer_id)


def record_churn(client_id: int, *, scope: str, day: date, reason: str,
                 product_id: int | None = None, range_label: str | None = None,
                 suborder_label: str | None = None, actor_id: int | None = None):
    """A partial, product or total churn of the client (``scope``: ChurnScope's values,
    ``reason``: a ChurnReason value), through the activities' one churn service."""
    return _record_churn(client_id, scope=ChurnScope(scope), day=day, reason=reason,
                         product_id=product_id, range_label=range_label,
                         suborder_label=suborder_label, actor_id=actor_id)
