"""Where proposals hand facts to the activities domain (issue #15's contracts): a rejet
becomes a task of kind « rejet » (slide 43), a churn from a proposal a churn record on the
client (slides 40–41). One module, so the wiring is in one place."""

import importlib
from datetime import date, datetime

from webapp.activities.tasks.models import TaskKind
from webapp.activities.tasks.services import create_task


def rejet_task(client_id: int, subject: str, due_at: datetime, assignee_id: int, *,
               reason: str, issuer_id: int | None):
    """The rejet task of a rejected order, for the rep, from whoever rejected it."""
    return create_task(client_id, subject, due_at, assignee_id, kind=TaskKind.REJET,
                       notes=reason, issuer_id=issuer_id)


def _churn_services():
    """The churn services of the activities domain (branch wt-act-b), when merged."""
    try:
        return importlib.import_module("webapp.activities.churn.services")
    except ModuleNotFoundError:
        return None


def churn_available() -> bool:
    return _churn_services() is not None


def record_churn(client_id: int, *, scope: str, day: date, reason: str,
                 product_id: int | None = None, range_label: str | None = None,
                 suborder_label: str | None = None, actor_id: int | None = None):
    """A partial, product or total churn of the client (``scope``: « partial »,
    « product », « total », ChurnScope's values). Until the churn services are merged
    (wt-act-b) nothing is recorded and None is returned: the integrator's wiring."""
    services = _churn_services()
    if services is None:
        return None
    return services.record_churn(client_id, scope=scope, day=day, reason=reason,
                                 product_id=product_id, range_label=range_label,
                                 suborder_label=suborder_label, actor_id=actor_id)
