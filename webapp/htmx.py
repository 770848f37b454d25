"""The one page-or-fragment helper for htmx requests."""

from flask import render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render(template: str, block: str, status: int = 200, **context):
    """Render ``block`` of ``template`` for an htmx request, the whole page otherwise."""
    body = render_block(template, block, **context) if is_htmx() else render_template(
        template, **context
    )
    return body, status, {"Vary": "HX-Request"}
