"""The PDF editions of the Gestion tab: `GET /supervision/editions/<kind>.pdf`."""

from flask import abort, render_template
from flask_login import login_required

from webapp.downloads import bytes_download
from webapp.supervision import bp
from webapp.supervision.editions import EDITIONS, context, filename, render_pdf
from webapp.supervision.params import scope_from_args


@bp.route("/editions/<kind>.pdf")
@login_required
def edition(kind):
    """An edition (synthese, conseillers, etapes) of the scope the query string names."""
    if kind not in EDITIONS:
        abort(404)
    scope = scope_from_args()
    html = render_template(f"supervision/editions/{kind}.html", **context(kind, scope))
    return bytes_download(filename(kind, scope), render_pdf(html), "application/pdf")
