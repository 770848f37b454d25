"""The proposals' rules, pure, each with its table of cases from seed 001 (slides 25, 37,
39, 40–42)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from webapp.proposals import rules
from webapp.proposals.rules import LineFacts, ProposalFacts, SubOrderFacts
from webapp.proposals.signature import rules as sig


def sub(number, *lines, mo="", churned=False):
    """A sub-order whose lines are (state, amount HT) at 20 % VAT."""
    return SubOrderFacts(number, mo, churned,
                         tuple(LineFacts(state, D(amount), D("20")) for state, amount in lines))


def facts(*suborders, plan=None):
    """A proposal; ``plan`` None: the plan of its positive part, as the service computes."""
    proposal = ProposalFacts(tuple(suborders))
    if plan is None:
        plan = [amount for _day, amount in rules.payment_plan(proposal, 1, date(2027, 1, 1))]
    return ProposalFacts(tuple(suborders), tuple(D(a) for a in plan))


POS_001 = sub("001", ("renewed", "1000"), mo="MO-1")
POS_201 = sub("201", ("new", "500"), mo="MO-3")
NEG_101 = sub("101", ("cancelled", "-1500"), mo="MO-2")  # « MO- »
SMALL_NEG = sub("101", ("cancelled", "-200"), mo="MO-2")
EMPTY_101 = sub("101", ("renewed", "0"), mo="MO-7")
CHURNED_101 = sub("101", ("renewed", "300"), mo="MO-9", churned=True)


# (a) « Cas montant TTC de la proposition commerciale <= 0 : le système indique une
# anomalie, car existence d'un plan de règlement … alors que le TTC est négatif »
@pytest.mark.parametrize(("proposal", "named"), [
    (facts(POS_001, NEG_101), ["101"]),           # 1200 − 1800 TTC < 0, plan of the 001
    (facts(sub("001", ("new", "100")), sub("101", ("cancelled", "-100"))), ["101"]),  # = 0
    (facts(POS_001), []),                          # positive: no anomaly
    (facts(NEG_101), []),                          # negative alone: no plan
    (facts(NEG_101, plan=["50"]), ["101"]),        # a stale plan on a negative proposal
    (facts(), []),
])
def test_plan_without_amount(proposal, named):
    found = rules.plan_without_amount(proposal)
    assert [a.number for a in found] == named
    for anomaly in found:
        assert "plan de règlement" in anomaly.message
        assert f"la commande {anomaly.number}" in anomaly.message


# (b) « Cas montant TTC de la proposition commerciale > 0 : le système indique une
# anomalie car la somme TTC est différente de la somme des échéance du plan de règlement »
@pytest.mark.parametrize(("proposal", "named", "words"), [
    (facts(POS_001, SMALL_NEG), ["101"], "1\u202f200,00\u00a0€"),  # 1200 − 240 ≠ plan 1200
    (facts(POS_001, POS_201), [], ""),                             # plan = TTC
    (facts(POS_001, plan=["1000"]), ["001"], "recalculez"),        # a plan out of date
    (facts(POS_001, plan=["600", "600"]), [], ""),                 # two instalments, sum right
    (facts(NEG_101), [], ""),                                      # TTC ≤ 0: rule (a)'s case
])
def test_plan_mismatch(proposal, named, words):
    found = rules.plan_mismatch(proposal)
    assert [a.number for a in found] == named
    assert all(words in a.message for a in found)


# (c) Slide 42: « toute(s) sous commande(s) qui supporte(nt) un montant négatif doi(ven)t
# être dissociée(s) du bon de commande unifié original »
@pytest.mark.parametrize(("proposal", "named"), [
    (facts(POS_001, NEG_101), ["101"]),
    (facts(POS_001, SMALL_NEG, sub("301", ("cancelled", "-1"), mo="MO-5")), ["101", "301"]),
    (facts(NEG_101), []),                 # negatives together: the new proposal of a split
    (facts(POS_001, POS_201), []),
    (facts(NEG_101, EMPTY_101), []),      # no positive sub-order to be mixed with
])
def test_negative_mixed(proposal, named):
    found = rules.negative_mixed(proposal)
    assert [a.number for a in found] == named
    assert all("montant TTC négatif" in a.message for a in found)


# (d) Slide 42: « la commande XXX YYY ne contient aucun produit nouveau, modifié ou annulé,
# veuillez la supprimer de votre proposition commerciale afin de passer commande »
@pytest.mark.parametrize(("proposal", "named"), [
    (facts(POS_001, EMPTY_101), ["101"]),
    (facts(POS_001, sub("101", mo="MO-7")), ["101"]),                 # no line at all
    (facts(POS_001, sub("101", ("modified", "0"))), []),              # a modified product
    (facts(POS_001, sub("101", ("cancelled", "0"))), []),             # a cancelled one
    (facts(POS_001), []),                                             # renewed, amount > 0
])
def test_without_active_product(proposal, named):
    found = rules.without_active_product(proposal)
    assert [a.number for a in found] == named
    for anomaly in found:
        assert f"La commande {anomaly.number}" in anomaly.message
        assert ("ne contient aucun produit nouveau, modifié ou annulé : veuillez la supprimer de "
                "votre proposition commerciale afin de passer commande") in anomaly.message
    if named == ["101"] and proposal.suborders[1].mo:
        assert found[0].message.startswith("La commande 101 MO-7 ")


# (e) Slide 42: « des commandes sésame chutées en totalité » mixed with the others
@pytest.mark.parametrize(("proposal", "named"), [
    (facts(POS_001, CHURNED_101), ["101"]),
    (facts(CHURNED_101), []),            # alone: the total churn's case, not a mix
    (facts(POS_001, POS_201), []),
])
def test_churned_mixed(proposal, named):
    found = rules.churned_mixed(proposal)
    assert [a.number for a in found] == named
    assert all("chutée en totalité" in a.message and "101 MO-9" in a.message for a in found)


# The one-click split, slide 42's examples: « (2) Si Proposition par défaut 001 > 0
# 101 < 0 201 > 0 → Proposition 1 / Proposition 2 »
@pytest.mark.parametrize(("proposal", "split"), [
    (facts(POS_001, NEG_101, POS_201), rules.Split(moved=("101",))),
    (facts(POS_001, POS_201), rules.Split()),                               # (1) nothing
    (facts(POS_001, EMPTY_101), rules.Split(emptied=("101",))),
    (facts(POS_001, CHURNED_101), rules.Split(churned=("101",))),
    (facts(POS_001, NEG_101, sub("201", mo="MO-3"), sub("301", ("renewed", "10"), churned=True)),
     rules.Split(moved=("101",), emptied=("201",), churned=("301",))),
])
def test_split_of(proposal, split):
    assert rules.split_of(proposal) == split


def test_both_parts_of_a_split_are_free_of_anomalies():
    before = facts(POS_001, NEG_101, POS_201)
    assert rules.anomalies(before)
    kept, moved = facts(POS_001, POS_201), facts(NEG_101)
    assert rules.anomalies(kept) == [] and rules.anomalies(moved) == []


@pytest.mark.parametrize(("ttc", "count", "amounts", "days"), [
    ("1200.00", 1, ["1200.00"], [date(2027, 1, 31)]),
    ("100.00", 3, ["33.33", "33.33", "33.34"],
     [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]),
    ("0.00", 3, [], []),
    ("-50.00", 2, [], []),
])
def test_payment_plan_of_the_positive_part(ttc, count, amounts, days):
    proposal = ProposalFacts((SubOrderFacts("001", lines=(LineFacts("new", D(ttc), D(0)),)),))
    plan = rules.payment_plan(proposal, count, date(2027, 1, 31))
    assert [a for _d, a in plan] == [D(a) for a in amounts]
    assert [d for d, _a in plan] == days


# Slide 40: « LA CHUTE TOTALE : le client ne souhaite reconduire aucun des produits et ne
# souscrit à aucun nouveau produit »
@pytest.mark.parametrize(("proposal", "asked"), [
    (facts(sub("001", ("cancelled", "0"))), True),
    (facts(sub("001", ("cancelled", "0")), sub("101", ("renewed", "0"), churned=True)), True),
    (facts(sub("001", ("cancelled", "-100"))), False),  # a credit (« MO- »), split off
    (facts(sub("001", ("modified", "50"))), False),     # a product kept, modified
    (facts(CHURNED_101), True),
    (facts(POS_001), False),      # renewed
    (facts(POS_201), False),      # new
    (facts(), False),
])
def test_total_churn_asked(proposal, asked):
    assert bool(rules.total_churn_asked(proposal)) is asked


@pytest.mark.parametrize(("state", "line_churn"), [
    ("renewed", True), ("modified", True), ("new", False), ("cancelled", False)])
def test_removals_that_are_churn(state, line_churn):
    assert rules.line_removal_churns(state) is line_churn
    assert rules.suborder_removal_churns([state, "new"]) is line_churn


@pytest.mark.parametrize(("action", "status", "allowed"), [
    ("validate", "draft", True), ("validate", "ordered", False),
    ("order", "validated", True), ("order", "draft", False),
    ("sign", "ordered", True), ("sign", "signed", False),
    ("release", "signed", True), ("release", "ordered", False),
    ("reject", "production", True), ("reject", "signed", False),
])
def test_moves(action, status, allowed):
    assert (rules.move_error(action, status) is None) is allowed


def test_amounts_and_labels():
    assert rules.ttc(D("100"), D("20")) == D("120.00")
    assert rules.ttc(D("-33.33"), D("20")) == D("-40.00")
    assert rules.suborder_label("101", "MO-2") == "101 MO-2"
    assert rules.suborder_label("001") == "001"
    assert rules.euros(D("-1234.5")) == "−1\u202f234,50\u00a0€"
    assert rules.order_number(2026, 42) == "BCU-2026-000042"


# Slide 37: « Adresse du client OBLIGATOIRE », the SMS code, the mandate (RIB); slide 39:
# the e-invoice needs the client's e-mail.
GOOD = dict(address="3 rue des Lilas", postal_code="69003", city="Lyon", mobile="06 12 34 56 78",
            email="rose@example.fr", billing="email", iban="FR76 3000 6000 0112 3456 7890 189")


@pytest.mark.parametrize(("changes", "fields"), [
    ({}, []),
    ({"address": ""}, ["address"]),
    ({"city": None}, ["address"]),
    ({"mobile": "04 72 00 00 00"}, ["mobile"]),   # a landline cannot receive the code
    ({"mobile": "abc"}, ["mobile"]),
    ({"email": "", "billing": "email"}, ["billing"]),
    ({"email": "", "billing": "paper"}, []),       # paper: no e-mail needed
    ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, ["iban"]),  # wrong check digits
    ({"iban": ""}, ["iban"]),
    ({"iban": "DE89 3704 0044 0532 0130 00"}, []),
])
def test_signing_errors(changes, fields):
    assert list(sig.signing_errors(sig.SigningFacts(**(GOOD | changes)))) == fields


NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("expires", "tries", "matches", "words"), [
    (NOW + timedelta(minutes=5), 0, True, None),
    (NOW + timedelta(minutes=5), 4, True, None),           # the fifth try, right
    (NOW + timedelta(minutes=5), 0, False, "il reste 4 essais"),
    (NOW + timedelta(minutes=5), 3, False, "il reste 1 essai."),
    (NOW + timedelta(minutes=5), 4, False, "plus aucun essai"),
    (NOW + timedelta(minutes=5), 5, True, "Cinq codes erronés"),  # even the right one
    (NOW, 0, True, "expiré"),
    (None, 0, True, "Envoyez d'abord"),
])
def test_code_error(expires, tries, matches, words):
    error = sig.code_error(NOW, expires, tries, matches)
    assert (error is None) if words is None else (words in error)


def test_code_digest_and_content_hash():
    assert sig.code_digest("k", 1, "123456") == sig.code_digest("k", 1, " 123456 ")
    assert sig.code_digest("k", 1, "123456") != sig.code_digest("k", 2, "123456")
    assert sig.content_hash(["a", "b"]) != sig.content_hash(["a", "c"])
    assert len(sig.content_hash([])) == 64
