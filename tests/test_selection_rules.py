"""The query builder's pure rules: criteria read from a URL (seed 004 « extraire une
liste de clients grâce à des critères de recherche »), départements, the confirmations."""

from datetime import date

import pytest

from webapp.clients.selection.rules import (
    Criteria,
    changed_since_preview,
    department_key,
    department_prefixes,
    parse_criteria,
    refuse_bulk,
    ticked_ids,
)


@pytest.mark.parametrize("args, expected", [
    ({}, ()),
    ({"q": ["  Roux  "]}, (("q", ("Roux",)),)),
    ({"q": ["ro\x00ux\x01"], "product": ["P\x00EA"]}, (("q", ("roux",)), ("product", ("PEA",)))),
    ({"advisor_id": ["3", "3", "abc", "-1", "0", str(2**31), "1.5", "7"]},
     (("advisor_id", (3, 7)),)),
    ({"team_id": ["4"], "branch_id": ["2"]}, (("team_id", (4,)), ("branch_id", (2,)))),
    ({"postal_code": ["69003, 69006 ; 2A004", "<b>"]},
     (("postal_code", ("69003", "69006", "2A004")),)),
    ({"department": ["69, 2a, 974, 00, 96, 2C"]}, (("department", ("69", "2A", "974")),)),
    ({"city": ["Saint-Étienne, SAINT ETIENNE", "Lyon"]},
     (("city", ("saint etienne", "lyon")),)),
    ({"language": ["fr", "xx", "en"]}, (("language", ("fr", "en")),)),
    ({"situation": ["present", "former", "nobody"]}, (("situation", ("present", "former")),)),
    ({"created_from": ["2026-01-01"], "created_to": ["9999-12-31"]},
     (("created_from", (date(2026, 1, 1),)),)),
    ({"created_to": ["31/12/2026"]}, ()),
    ({"opportunity": ["maybe"]}, ()),
    ({"opportunity": ["no"], "stage_id": ["1", "2"]},
     (("opportunity", ("no",)), ("stage_id", (1, 2)))),
    ({"target": ["yes"], "target_state": ["positive", "won"]},
     (("target", ("yes",)), ("target_state", ("positive",)))),
    ({"product": ["  PEA ", ""]}, (("product", ("PEA",)),)),
    ({"bo_open": ["yes"], "churned": ["yes"], "unknown": ["1"]},
     (("bo_open", ("yes",)), ("churned", ("yes",)))),
])
def test_criteria_read_from_the_url(args, expected):
    assert parse_criteria(args).values == expected


def test_criteria_go_back_to_the_url_in_the_builders_order():
    criteria = parse_criteria({"language": ["en"], "q": ["Roux"], "created_from": ["2026-03-01"],
                               "advisor_id": ["2", "5"]})
    assert criteria.as_args() == [("q", "Roux"), ("advisor_id", "2"), ("advisor_id", "5"),
                                  ("language", "en"), ("created_from", "2026-03-01")]
    assert parse_criteria(criteria.arg_dict()) == criteria  # a saved query reads back


def test_a_criterion_replaced_or_removed():
    criteria = parse_criteria({"advisor_id": ["2"], "team_id": ["1"]})
    assert criteria.with_values("advisor_id", ()).values == (("team_id", (1,)),)
    assert criteria.with_values("advisor_id", (9,))["advisor_id"] == (9,)
    assert not Criteria() and criteria.refinements == 2


def test_values_beyond_the_limit_are_ignored():
    assert len(parse_criteria({"advisor_id": [str(i) for i in range(1, 500)]})
               ["advisor_id"]) == 50


@pytest.mark.parametrize("department, prefixes", [
    ("69", ("69",)), ("2A", ("200", "201")), ("2B", ("202", "204", "206")),
    ("974", ("974",)),
])
def test_department_postal_codes(department, prefixes):
    assert department_prefixes(department) == prefixes


@pytest.mark.parametrize("department, key", [
    ("69", ("69", True)), ("01", ("01", True)), ("2a", ("20", False)), ("2B", ("20", False)),
    ("974", ("97", False)),
])
def test_a_department_s_key_is_its_postal_codes_two_first_characters(department, key):
    """The walk index's key; Corsica and overseas share theirs with their neighbours."""
    assert department_key(department) == key


def test_ticked_ids():
    assert ticked_ids(["4", "x", "4", "0", "12"]) == (4, 12)


def test_bulk_limit_and_confirmation():
    assert refuse_bulk(10_000, 10_000) is None
    assert "affinez-la" in refuse_bulk(10_001, 10_000)
    assert changed_since_preview(None, 3) is None  # a preview: nothing announced yet
    assert changed_since_preview(3, 3) is None
    assert "a changé depuis l'aperçu (3 prévu(s), 4 maintenant)" in changed_since_preview(3, 4)
