"""Around the client (seed 001, slides 19–31 and 40–44): tasks and rejets, appointments
that invite the client, discovery notes, complaints, churn, quotes, and the one activity
feed of the client file.

One blueprint, ``bp``; each sub-feature package registers its views on it and its kinds
in the feed (``feed.register``)."""

from flask import Blueprint

bp = Blueprint("activities", __name__)

from webapp.activities import feed  # noqa: E402, F401
from webapp.activities.appointments import models as _appointment_models  # noqa: E402, F401
from webapp.activities.catalogue import models as catalogue_models  # noqa: E402, F401
from webapp.activities.churn import models as churn_models  # noqa: E402, F401
from webapp.activities.complaints import models as complaint_models  # noqa: E402, F401
from webapp.activities.discovery import models as _discovery_models  # noqa: E402, F401
from webapp.activities.quotes import models as quote_models  # noqa: E402, F401
from webapp.activities.tasks import models as _task_models  # noqa: E402, F401
