"""The figures of METRICS.md, from its worked examples (corrected values) and edge cases."""

from datetime import date
from decimal import Decimal

from tests.fixtures.operations import conclude, play_transformation_example, record
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.operations.models import AdvisorObjective
from webapp.supervision.metrics import Scope, compute


def figures(org, operation=None, as_of=date(2026, 2, 20), advisor=None, viewer="manager"):
    return compute(Scope(viewer=org[viewer], as_of=as_of, operation=operation,
                         advisor=advisor))


def test_pilotage_worked_example(org, campaign):
    """Objective 4 100 000 €, potential 2 027 000 €, collected 370 000 € → remaining to
    objective 3 730 000 € (the seed's 3 370 000 is a slip), remaining potential 757 000 €."""
    operation, (won, lost, open_) = campaign(
        3, objective="4100000", potentials=["1000000", "270000", "757000"])
    conclude(won, "Signature", "370000")
    conclude(lost, "Refus")
    f = figures(org, operation)
    assert (f.objective, f.potential, f.collected) == (4100000, 2027000, 370000)
    assert f.remaining_to_objective == 3730000 and f.remaining_potential == 757000


def test_progress_rate_worked_example(org, campaign):
    """400 000 €, 61 days, day 51 → expected 334 426,23 €; 200 000 € → 59,80 % (not 50 %)."""
    operation, (target,) = campaign(1)
    conclude(target, "Vente", "200000")
    f = figures(org, operation, as_of=date(2026, 2, 20))
    assert (f.calendar.duration_days, f.calendar.day_number, f.calendar.days_remaining) == (
        61, 51, 10)
    assert f.expected_to_date.quantize(Decimal("0.01")) == Decimal("334426.23")
    assert round(f.progress_rate * 100, 2) == Decimal("59.80")


def test_operation_not_started_has_no_progress_rate(org, campaign):
    operation, _ = campaign(1)
    f = figures(org, operation, as_of=date(2025, 12, 1))
    assert f.progress_rate is None and f.expected_to_date is None
    assert f.calendar.day_number == 0 and f.calendar.days_remaining == 61


def test_transformation_and_equipment_rates(org, campaign):
    """2 signed (one before, one after the sale step), 1 refused after it → 2 / 3 = 66,67 %;
    a refusal before the sale step is not counted; 2 signed out of 10 → 20 %."""
    operation, targets = campaign(10)
    play_transformation_example(targets)
    f = figures(org, operation)
    assert round(f.transformation_rate * 100, 2) == Decimal("66.67")
    assert f.equipment_rate == Decimal("0.2")
    assert (f.total, f.accepted, f.refused, f.in_progress) == (10, 2, 2, 6)


def test_step_progress_rate_worked_example(org, campaign):
    """8 concerned by "Rendez-vous de présentation", 7 completed, 1 in progress → 87,50 %."""
    operation, targets = campaign(8)
    for target in targets:
        record(target, 1)
    for target in targets[:7]:
        record(target, 2)
    record(targets[7], 2, status="planned")
    meeting = figures(org, operation).steps[1]
    assert (meeting.concerned, meeting.completed) == (8, 7)
    assert meeting.progress_rate == Decimal("0.875")


def test_step_passage_rate_worked_example(org, campaign):
    """5 completed "Rendez-vous de présentation", 3 concerned by the next step → 60 %; the
    two who stopped there are no longer concerned by it."""
    operation, targets = campaign(5)
    for target in targets:
        record(target, 1)
        record(target, 2)
    for target in targets[:2]:
        conclude(target, "Refus")
    steps = figures(org, operation).steps
    assert steps[1].passage_rate == Decimal("0.6")
    assert (steps[2].concerned, steps[2].no_longer_concerned) == (3, 2)
    assert steps[3].passage_rate is None  # the last step has none


def test_optional_step_skipped_and_waiting_targets(org, campaign):
    operation, (idle, skipper) = campaign(2)
    for position in (1, 2, 3):
        record(skipper, position)
    record(skipper, 4, status="cancelled")  # the optional last step, cancelled
    steps = figures(org, operation).steps
    assert steps[0].concerned == 2  # the idle target waits for step 1
    assert steps[3].concerned == 1 and steps[3].completed == 0


def test_zero_denominators_are_undefined(org, campaign):
    operation, _ = campaign(0)
    f = figures(org, operation)
    assert f.transformation_rate is None and f.equipment_rate is None
    assert all(s.progress_rate is None and s.passage_rate is None for s in f.steps)


def test_an_advisors_share_narrows_the_objective(org, campaign):
    """37,5 % of 400 000 € is Marc's objective; his scope counts only his targets."""
    operation, _ = campaign(2)
    db.session.add(AdvisorObjective(operation_id=operation.id, advisor_id=org["advisor"].id,
                                    percent=Decimal("37.5")))
    db.session.commit()
    assert figures(org, operation, advisor=org["advisor"]).objective == Decimal("150000.00")
    assert figures(org, operation, viewer="advisor").objective == Decimal("150000.00")
    assert figures(org, operation).objective == Decimal("400000")


def test_several_operations_aggregate(org, campaign):
    first, (a,) = campaign(1, name="A")
    second, (b,) = campaign(1, objective="200000", name="B")
    conclude(a, "Vente", "100000")
    f = figures(org, None)
    assert f.objective == 600000 and f.collected == 100000 and f.calendar is None
    assert f.expected_to_date.quantize(Decimal("0.01")) == Decimal("501639.34")
    assert f.steps == []


def test_metrics_json_contract(org, campaign, login):
    operation, (target, other) = campaign(2)
    record(target, 1)
    conclude(target, "Signature", "20000")
    http = login(org["manager"])
    response = http.get(f"/supervision/metrics.json?operation={operation.key}&as_of=2026-02-20")
    data = response.get_json()
    assert set(data) == {"scope", "objective", "potential", "collected",
                         "remaining_to_objective", "remaining_potential", "duration_days",
                         "day_number", "days_remaining", "expected_to_date", "progress_rate",
                         "clients", "transformation_rate", "equipment_rate", "steps"}
    assert data["scope"] == {"operation": operation.key, "advisor": None,
                             "as_of": "2026-02-20"}
    assert (data["objective"], data["collected"], data["potential"]) == (
        "400000.00", "20000.00", "2000.00")
    assert data["clients"] == {"total": 2, "accepted": 1, "refused": 0, "in_progress": 1}
    assert data["equipment_rate"] == 50.0 and data["transformation_rate"] == 100.0
    assert set(data["steps"][0]) == {"key", "name", "position", "concerned", "completed",
                                     "no_longer_concerned", "progress_rate", "passage_rate"}
    assert data["steps"][0]["progress_rate"] == 50.0 and data["steps"][3]["passage_rate"] is None
    assert http.get(f"/supervision/metrics.json?operation={operation.id}").status_code == 200
    assert http.get("/supervision/metrics.json?as_of=hier").status_code == 400


def test_metrics_json_scope(org, campaign, login):
    operation, _ = campaign(1)
    url = f"/supervision/metrics.json?operation={operation.key}"
    assert login(org["other_advisor"]).get(url).status_code == 404
    assert login(org["advisor"]).get(url).get_json()["clients"]["total"] == 1
    assert login(org["other_advisor"]).get("/supervision/metrics.json").get_json()[
        "clients"]["total"] == 0


def test_pilotage_box_all_then_one_operation(org, campaign, login):
    first, (a,) = campaign(1, name="Épargne retraite T1")
    campaign(1, objective="200000", name="Prévoyance TNS")
    conclude(a, "Vente", "30000")
    http = login(org["manager"])
    box = http.get("/supervision/pilotage", headers={"HX-Request": "true"})
    assert box.status_code == 200 and "<html" not in box.text
    assert "Toutes mes opérations" in box.text and "600\u202f000\u00a0€" in box.text
    one = http.get(f"/supervision/pilotage?operation={first.id}", headers={"HX-Request": "true"})
    assert "400\u202f000\u00a0€" in one.text and "30\u202f000\u00a0€" in one.text
    assert "Jours écoulés / restants" in one.text
    assert "<html" in http.get("/supervision/pilotage").text
    assert 'hx-get="/supervision/pilotage"' in http.get("/").text  # the manager's home box


def test_pilotage_box_scope(org, campaign, login):
    operation, _ = campaign(1)
    http = login(org["other_advisor"])
    assert http.get(f"/supervision/pilotage?operation={operation.id}").status_code == 404
    assert "Aucune opération à piloter." in http.get("/supervision/pilotage").text


def test_an_advisor_never_sees_a_colleagues_figures(org, campaign, make_user, make_client,
                                                    make_target, login):
    """#19: ``?advisor=`` names whose figures: a colleague of the viewer's team, whose
    targets the viewer does not supervise, is a 404 on every supervision page (like an id
    outside the scope); oneself is fine, and so is the manager looking at either."""
    operation, (own,) = campaign(1, objective="100000")
    colleague = make_user(Role.ADVISOR, team=org["lyon"], name="Zoé Voisine",
                          email="zoe@example.fr")
    make_target(operation, make_client("Voisin", "Client", advisor=colleague),
                advisor=colleague)
    db.session.add(AdvisorObjective(operation_id=operation.id, advisor_id=colleague.id,
                                    amount=Decimal("77777")))
    db.session.commit()
    marc, claire = login(org["advisor"]), login(org["manager"])
    query = f"operation={operation.id}&as_of=2026-02-20"
    for path in ("/supervision/metrics.json", "/supervision/pilotage",
                 "/supervision/synthese", "/supervision/detail", "/supervision/gestion",
                 "/supervision/editions/synthese.pdf"):
        assert marc.get(f"{path}?{query}&advisor={colleague.id}").status_code == 404, path
        assert marc.get(f"{path}?{query}&advisor={org['advisor'].id}").status_code == 200, path
    seen = claire.get(f"/supervision/metrics.json?{query}&advisor={colleague.id}")
    assert seen.status_code == 200 and seen.json["objective"] == "77777.00"
