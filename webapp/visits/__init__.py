"""« Préparer mes visites »: the offline visit mode (issue #20).

The advisor picks the clients of the day or the week (proposed by the sources of
``proposals.py``); their client files and follow-ups are handed to the tablet's service
worker (``static/sw.js``), which serves them from a per-user cache when the network drops.
What is typed offline waits in IndexedDB (``static/js/offline-queue.js``) and is replayed
with an ``Idempotency-Key`` (``webapp/idempotency.py``) through the usual routes and
services; what the server refuses goes to « À revoir »."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from webapp.visits import proposals, routes  # noqa: E402, F401
