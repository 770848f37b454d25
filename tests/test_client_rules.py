"""Pure rules of client files, from the seeds' own cases."""

import pytest

from webapp.clients.rules import (
    AdvisorSituation,
    advisor_situation,
    is_placeholder_name,
    parse_phone,
    phone_query_key,
    search_key,
)


@pytest.mark.parametrize(("raw", "e164", "key", "mobile"), [
    ("06 12 34 56 78", "+33612345678", "0612345678", True),
    ("+33 7 81 23 45 67", "+33781234567", "0781234567", True),
    ("01.42.68.53.00", "+33142685300", "0142685300", False),
    ("+1 514 555 0199", "+15145550199", "5145550199", None),  # Québec: cannot tell
])
def test_parse_phone(raw, e164, key, mobile):
    phone = parse_phone(raw)
    assert (phone.e164, phone.key, phone.is_mobile) == (e164, key, mobile)


@pytest.mark.parametrize("raw", ["123", "06 12", "abc", "+33 6 12 34 56 78 99"])
def test_parse_phone_rejects(raw):
    with pytest.raises(ValueError, match="Numéro de téléphone"):
        parse_phone(raw)


@pytest.mark.parametrize(("text", "key"), [
    ("Élodie D'Aubigné", "elodie d aubigne"),
    ("  ROUX   Anne ", "roux anne"),
    ("jean_dupont@Example.FR", "jean dupont@example.fr"),
    ("", ""),
    (None, ""),
])
def test_search_key(text, key):
    assert search_key(text) == key


@pytest.mark.parametrize(("query", "digits"), [
    ("06 12 34", "061234"),
    ("+33 6 12", "0612"),
    ("0033612", "0612"),
    ("06.12", "0612"),
    ("roux", None),
    ("6", None),
])
def test_phone_query_key(query, digits):
    assert phone_query_key(query) == digits


@pytest.mark.parametrize(("has", "active", "former", "expected"), [
    (True, True, 0, AdvisorSituation.PRESENT),   # the advisor who made the contract
    (True, True, 1, AdvisorSituation.NEW),       # took over after a former advisor
    (True, False, 0, AdvisorSituation.NONE),     # the advisor left the firm
    (False, False, 2, AdvisorSituation.NONE),    # nobody left
])
def test_advisor_situation(has, active, former, expected):
    assert advisor_situation(has, active, former) == expected


@pytest.mark.parametrize(("name", "placeholder"), [
    ("Unknown", True), ("UNDEFINED", True), ("inconnu", True), ("Anne", False),
    ("Roux", False),
])
def test_placeholder_names(name, placeholder):
    assert is_placeholder_name(name) is placeholder
