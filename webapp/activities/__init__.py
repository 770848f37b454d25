"""Around the client (seed 001, slides 19–31 and 40–44): tasks and rejets, appointments
that invite the client, discovery notes, complaints, churn, quotes, and the one activity
feed of the client file.

One blueprint, ``bp``; each sub-feature package registers its views on it and its kinds
in the feed (``feed.register``)."""

from flask import Blueprint

bp = Blueprint("activities", __name__)

from webapp.activities import feed, routes, sources  # noqa: E402, F401
from webapp.activities import offline as _offline  # noqa: E402, F401
from webapp.activities.appointments import reminders as _reminders  # noqa: E402, F401
from webapp.activities.appointments import routes as _appointments  # noqa: E402, F401
from webapp.activities.catalogue import models as catalogue_models  # noqa: E402, F401
from webapp.activities.catalogue import routes as catalogue_routes  # noqa: E402, F401
from webapp.activities.churn import feed as churn_feed  # noqa: E402, F401
from webapp.activities.churn import models as churn_models  # noqa: E402, F401
from webapp.activities.churn import routes as churn_routes  # noqa: E402, F401
from webapp.activities.complaints import feed as complaint_feed  # noqa: E402, F401
from webapp.activities.complaints import models as complaint_models  # noqa: E402, F401
from webapp.activities.complaints import routes as complaint_routes  # noqa: E402, F401
from webapp.activities.discovery import routes as _discovery  # noqa: E402, F401
from webapp.activities.quotes import feed as quote_feed  # noqa: E402, F401
from webapp.activities.quotes import models as quote_models  # noqa: E402, F401
from webapp.activities.quotes import routes as quote_routes  # noqa: E402, F401
from webapp.activities.tasks import routes as _tasks  # noqa: E402, F401
