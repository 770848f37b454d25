"""Static checks on escaping: no template marks data as safe, and the Python that builds
markup is an allow-list of places safe by construction, each with its reason."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# What turns escaping off in a template: the |safe filter (or {% filter safe %}),
# {% autoescape false %}, or markup built in the template itself.
UNESCAPED_IN_TEMPLATE = re.compile(
    r"\|\s*safe\b|filter\s+safe\b|autoescape\s+false|Markup\s*\(", re.IGNORECASE)
# What builds trusted markup in Python.
UNESCAPED_IN_PYTHON = re.compile(r"\bMarkup\s*\(|\|\s*safe\b|autoescape\s*=\s*False")

# file -> (how many occurrences, why they are safe). Nothing from a user reaches them raw.
ALLOWED = {
    "webapp/supervision/charts.py": (
        1, "plotly's figure as JSON for a <script type=application/json>: built from our "
           "own figures, with <, > and & written as \\u escapes, so it cannot close the tag"),
    "webapp/notifications/outbox.py": (
        1, "the mails' subject and text/plain part: plain text, never read as HTML (the "
           "HTML part is rendered by the autoescaping environment)"),
}


def _hits(paths, pattern):
    found = {}
    for path in paths:
        count = len(pattern.findall(path.read_text(encoding="utf-8")))
        if count:
            found[str(path.relative_to(ROOT))] = count
    return found


def test_no_template_turns_escaping_off():
    templates = sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
    assert templates, "templates not found"
    assert _hits(templates, UNESCAPED_IN_TEMPLATE) == {}


def test_python_markup_only_where_safe_by_construction():
    found = _hits(sorted((ROOT / "webapp").rglob("*.py")), UNESCAPED_IN_PYTHON)
    assert found == {name: count for name, (count, _why) in ALLOWED.items()}


def test_the_checks_see_what_they_look_for():
    # The patterns catch every spelling a template or module would use.
    for text in ("{{ note|safe }}", "{{ note | safe }}", "{% filter safe %}",
                 "{% autoescape false %}", "{{ Markup(x) }}"):
        assert UNESCAPED_IN_TEMPLATE.search(text), text
    for text in ("Markup(name)", "Markup (name)", "Environment(autoescape=False)"):
        assert UNESCAPED_IN_PYTHON.search(text), text


def test_html_templates_are_autoescaped(app):
    assert app.jinja_env.autoescape("clients/list.html") is True
