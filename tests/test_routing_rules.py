"""Rules of client request routing, from seed 002's wording."""

from datetime import date

import pytest

from webapp.clients.rules import AdvisorSituation
from webapp.routing import rules
from webapp.routing.rules import Candidate, Closure, Facts, Need, Points, State


# « Pour les conseillers présents ou les nouveaux conseillers, la procédure est simple. Il
# faut lui transmettre la demande » ; « Quand il n'y a plus AUCUN conseiller » : the table.
@pytest.mark.parametrize("situation, decision", [
    (AdvisorSituation.PRESENT, rules.TRANSMIT),   # « Celui qui a réalisé le contrat »
    (AdvisorSituation.NEW, rules.TRANSMIT),       # « Celui qui a fait une nouvelle affaire »
    (AdvisorSituation.NONE, rules.TABLE),         # « ne faisant plus partie du cabinet »
])
def test_routing_decision_by_situation(situation, decision):
    assert rules.routing_decision(situation) == decision


# « On connaît la demande client et la compagnie concernée »
@pytest.mark.parametrize("type_id, company_id, message", [
    (None, 2, "Choisissez le type de demande avant de router."),
    (1, None, "Ciblez la compagnie concernée avant de router."),
    (0, 0, "Choisissez le type de demande avant de router."),
    (1, 2, None),
])
def test_type_and_company_before_routing(type_id, company_id, message):
    assert rules.routing_error(type_id, company_id) == message


@pytest.mark.parametrize("text, sectors, error", [
    ("69, 01 ; 4400", ("69", "01", "4400"), None),
    ("2a 2B", ("2A", "2B"), None),
    ("69,69", ("69",), None),
    ("", (), None),
    ("Lyon", ("LYON",), "Secteur « LYON » illisible"),
    ("123456", ("123456",), "Secteur « 123456 » illisible"),
])
def test_sectors_are_departements_or_postal_prefixes(text, sectors, error):
    assert rules.parse_sectors(text) == sectors
    found = rules.sectors_error(text)
    assert (found is None) if error is None else found.startswith(error)


@pytest.mark.parametrize("sectors, postal_code, matches", [
    (("69",), "69003", True),
    (("4400",), "44000", True),
    (("4400",), "44100", False),
    (("2A",), "20000", True),     # Ajaccio
    (("2B",), "20200", True),     # Bastia
    (("2A",), "20200", False),
    (("69",), None, False),
    ((), "69003", False),
])
def test_sector_matches_the_clients_address(sectors, postal_code, matches):
    assert rules.sector_matches(sectors, postal_code) is matches


RACHAT, GENERALI, AXA = 1, 10, 11


def cand(advisor_id, name, *, volunteer=True, sectors=("69",), competences=((RACHAT, GENERALI),),
         certified=False, max_open=None, load=0, score=0, active=True):
    return Candidate(advisor_id, name, volunteer, tuple(sectors), frozenset(competences),
                     certified, max_open, load, score, active)


NEED = Need(RACHAT, GENERALI, "69003")


# « Ce dernier recense les secteurs géographiques, les compétences pour gérer les demandes et
# si le conseiller a les conditions pour les recevoir » — and volunteering (« sur volontariat »).
@pytest.mark.parametrize("candidate, need, blockers", [
    (cand(1, "A"), NEED, ()),
    (cand(1, "A", volunteer=False), NEED, ("non volontaire",)),
    (cand(1, "A", competences=((RACHAT, AXA),)), NEED,
     ("pas de compétence pour ce type et cette compagnie",)),
    (cand(1, "A"), Need(RACHAT, GENERALI, "69003", needs_certification=True),
     ("certification requise",)),
    (cand(1, "A", certified=True), Need(RACHAT, GENERALI, "69003", needs_certification=True), ()),
    (cand(1, "A", max_open=3, load=3), NEED, ("charge maximale atteinte (3/3)",)),
    (cand(1, "A", max_open=3, load=2), NEED, ()),
    (cand(1, "A", active=False), NEED, ("ne fait plus partie du cabinet",)),
    # Outside the client's sector: still eligible, ranked after those inside it.
    (cand(1, "A", sectors=("75",)), NEED, ()),
])
def test_eligibility_and_why_not(candidate, need, blockers):
    assessed = rules.assess(candidate, need)
    assert assessed.blockers == blockers
    assert assessed.eligible is (not blockers)


def test_ranking_sector_then_load_then_score_with_why():
    ranked = rules.rank([
        cand(1, "Loin", sectors=("75",), load=0, score=9),
        cand(2, "Chargé", load=4, score=9),
        cand(3, "Libre mal noté", load=1, score=-2),
        cand(4, "Libre bien noté", load=1, score=5),
        cand(5, "Non volontaire", volunteer=False),
    ], NEED)
    assert [r.candidate.name for r in ranked] == [
        "Libre bien noté", "Libre mal noté", "Chargé", "Loin", "Non volontaire"]
    first = ranked[0]
    assert first.why == ("secteur du client", "volontaire",
                         "compétent pour ce type et cette compagnie", "conditions remplies",
                         "1 demande(s) en cours", "score +5")
    assert not ranked[-1].eligible


# « Merci de nous faire un retour sous 7 jours »: due on the 7th day; overdue the day after.
@pytest.mark.parametrize("transmitted, today, answered, closed, expected", [
    (date(2026, 3, 2), date(2026, 3, 2), None, None, State.WAITING),
    (date(2026, 3, 2), date(2026, 3, 9), None, None, State.WAITING),    # the 7th day
    (date(2026, 3, 2), date(2026, 3, 10), None, None, State.OVERDUE),
    (date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 12), None, State.ANSWERED),
    (date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 4), date(2026, 3, 5), State.CLOSED),
    # Across the change to summer time (29 March 2026): calendar days, not 168 hours.
    (date(2026, 3, 25), date(2026, 4, 1), None, None, State.WAITING),
    (date(2026, 3, 25), date(2026, 4, 2), None, None, State.OVERDUE),
])
def test_due_date_and_overdue_on_the_calendar(transmitted, today, answered, closed, expected):
    assert rules.due_on(transmitted) == date.fromordinal(transmitted.toordinal() + 7)
    assert rules.state(transmitted, today, answered, closed) == expected


@pytest.mark.parametrize("today, answered, due", [
    (date(2026, 3, 6), False, False),   # 3 days before the due date (9 March)
    (date(2026, 3, 7), False, True),
    (date(2026, 3, 9), False, True),
    (date(2026, 3, 10), False, False),  # overdue: the manager's alert, not a reminder
    (date(2026, 3, 8), True, False),
])
def test_reminder_before_the_due_date(today, answered, due):
    assert rules.reminder_due(date(2026, 3, 2), today, answered) is due


POINTS = {key: points for key, (_, points) in rules.DEFAULT_POINTS.items()}
SENT = date(2026, 3, 2)


# « Le conseiller doit : réaliser un Money Pitch ; faire un retour sous 7 jours. Le conseiller
# ne doit pas : casser un contrat pour un autre. »
@pytest.mark.parametrize("facts, today, expected", [
    (Facts(SENT, date(2026, 3, 9)), date(2026, 3, 20), [(Points.IN_TIME, 2)]),
    (Facts(SENT, date(2026, 3, 10)), date(2026, 3, 20), [(Points.LATE, -1)]),
    (Facts(SENT, None), date(2026, 3, 9), []),
    (Facts(SENT, None), date(2026, 3, 10), [(Points.MISSING, -3)]),
    (Facts(SENT, date(2026, 3, 3), money_pitch=True, new_business=True), date(2026, 3, 3),
     [(Points.IN_TIME, 2), (Points.MONEY_PITCH, 1), (Points.NEW_BUSINESS, 3)]),
    (Facts(SENT, date(2026, 3, 3), new_business=True, broken_contract_confirmed=True),
     date(2026, 3, 3), [(Points.IN_TIME, 2), (Points.NEW_BUSINESS, 3),
                        (Points.BROKEN_CONTRACT, -5)]),
])
def test_bonus_malus(facts, today, expected):
    assert rules.scoring(facts, today, POINTS) == expected


def test_bonus_malus_points_are_data():
    points = POINTS | {Points.IN_TIME: 5, Points.MONEY_PITCH: 0}
    facts = Facts(SENT, date(2026, 3, 3), money_pitch=True)
    assert rules.scoring(facts, date(2026, 3, 3), points) == [(Points.IN_TIME, 5)]


NB = date(2026, 6, 1)


# « ne pas casser un contrat pour un autre »: a new business with the company whose existing
# contract ends within the window.
@pytest.mark.parametrize("company_id, closures, window, flagged", [
    (GENERALI, [Closure(GENERALI, date(2026, 5, 20), "Rachat")], 90, True),
    (GENERALI, [Closure(GENERALI, date(2026, 8, 20), "Rachat")], 90, True),   # after it
    (GENERALI, [Closure(AXA, date(2026, 5, 20), "Rachat")], 90, False),      # other company
    (GENERALI, [Closure(GENERALI, date(2025, 12, 1), "Rachat")], 90, False),  # too long ago
    (GENERALI, [Closure(GENERALI, date(2026, 3, 2), "Rachat")], 90, False),   # 91 days
    (GENERALI, [Closure(GENERALI, date(2026, 3, 2), "Rachat")], 91, True),
    (None, [Closure(GENERALI, date(2026, 5, 20), "Rachat")], 90, False),
    (GENERALI, [], 90, False),
])
def test_contract_breaking_flag(company_id, closures, window, flagged):
    found = rules.broken_contract(NB, company_id, closures, window)
    assert (found is not None) is flagged


# « Les conseillers jouant le jeu bénéficieront de plus gros boosters de fichiers clients »:
# proportional to the score above a floor, capped per advisor.
@pytest.mark.parametrize("clients, players, floor, cap, expected", [
    (10, {1: 6, 2: 4}, 0, 100, {1: 6, 2: 4}),
    (10, {1: 6, 2: 4, 3: 0, 4: -2}, 0, 100, {1: 6, 2: 4}),   # at or below the floor: none
    (10, {1: 12, 2: 6}, 2, 100, {1: 7, 2: 3}),                # weights 10 and 4 → 7.1 / 2.9
    (10, {1: 30, 2: 1}, 0, 5, {1: 5, 2: 5}),                  # capped: the rest to the other
    (10, {1: 30, 2: 1}, 0, 3, {1: 3, 2: 3}),                  # 4 left unallocated
    (3, {1: 5, 2: 5, 3: 5}, 0, 10, {1: 1, 2: 1, 3: 1}),
    (1, {1: 5, 2: 6}, 0, 10, {2: 1}),                         # a tie of remainders: the score
    (0, {1: 5}, 0, 10, {}),
    (5, {}, 0, 10, {}),
])
def test_booster_allocation(clients, players, floor, cap, expected):
    given = rules.allocate(clients, players, floor, cap)
    assert given == expected
    assert sum(given.values()) <= clients
    assert all(n <= cap for n in given.values())


def test_the_mandatory_sentence_word_for_word():
    assert rules.MANDATORY_SENTENCE == (
        "Merci de nous faire un retour sous 7 jours avec les actions émises (Appel effectué "
        "le…, RDV posé, affaire nouvelle, etc.)")
