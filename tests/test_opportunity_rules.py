"""Rules of the opportunity pipeline, from seed 003's own wording (« Processus Agent(e)s
BDC ») and seed 001 slides 29–31."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from webapp.opportunities.defaults import STAGES as DEFAULT_STAGES
from webapp.opportunities.rules import (
    CHECKLIST,
    EXPIRY_DAYS,
    MEETING_PREREQUISITES,
    NATURES,
    REQUIREMENTS,
    Facts,
    NeedsConfirmation,
    Priority,
    StageInfo,
    StageSettings,
    append_note,
    claim_situation,
    claims_vehicle,
    default_name,
    first_stage_error,
    follow_up_date,
    is_expired,
    item_delete_error,
    last_valid_creation_day,
    meeting_priority,
    meeting_subject,
    mobile_phone,
    move_unmet,
    name_error,
    name_taken,
    nature_flags,
    next_in_rotation,
    parse_requirements,
    receipt_missing,
    remarks_template,
    requirements_text,
    stage_delete_error,
    stage_for_meeting,
    stage_nature,
    stage_settings_errors,
    stamped_dates,
    stock_conflicts,
    stock_key,
    stock_numbers,
    unique_addresses,
    unmet,
)

# --- Expiry: « Date de plus de 8 semaines, pour les statuts : En traitement, réponse
# envoyée, contacté. »

CREATED = date(2026, 1, 1)


def test_eight_weeks_is_fifty_six_days():
    assert EXPIRY_DAYS == 56


@pytest.mark.parametrize(("today", "expired"), [
    (CREATED, False),
    (CREATED + timedelta(weeks=8) - timedelta(days=1), False),
    (CREATED + timedelta(weeks=8), False),  # exactly 8 weeks: not « plus de 8 semaines »
    (CREATED + timedelta(weeks=8, days=1), True),
    (date(2026, 6, 1), True),
])
def test_expiry_boundary_at_exactly_eight_weeks(today, expired):
    assert is_expired(CREATED, today, EXPIRY_DAYS) is expired


def test_stages_without_expiry_never_expire():
    """Only the three stages of the seed expire (the others carry no number of days)."""
    assert is_expired(CREATED, date(2030, 1, 1), None) is False


def test_last_valid_creation_day_matches_the_rule():
    today = date(2026, 2, 27)
    oldest = last_valid_creation_day(today, EXPIRY_DAYS)
    assert not is_expired(oldest, today, EXPIRY_DAYS)
    assert is_expired(oldest - timedelta(days=1), today, EXPIRY_DAYS)


# --- Name: « Inscrire le prénom ET nom du client (enlever les Unknown/Undefined) » and
# « Nom de Fiche Client : S'assurer que c'est le même que le nom de l'OPP ».

@pytest.mark.parametrize(("name", "message"), [
    ("Anne Roux", None),
    ("ROUX Anne", None),                 # either order
    ("anne roux", None),                 # case and accents ignored
    ("", "Saisissez le prénom et le nom du client."),
    ("   ", "Saisissez le prénom et le nom du client."),
    ("Unknown", "Enlevez « Unknown » / « Undefined »"),
    ("Undefined Roux", "Enlevez « Unknown » / « Undefined »"),
    ("Anne unknown", "Enlevez « Unknown » / « Undefined »"),
    ("Anne", "prénom ET le nom"),
    ("Anne Martin", "Le nom doit être celui de la fiche client : « Anne Roux »."),
])
def test_name_rule(name, message):
    error = name_error(name, "Anne", "Roux")
    assert (error is None) if message is None else (message in error)


def test_accented_names_match_their_file():
    assert name_error("Elodie D'Aubigne", "Élodie", "D'Aubigné") is None
    assert default_name("Élodie", "D'Aubigné") == "Élodie D'Aubigné"


def test_name_without_client_file_checks_only_the_form():
    assert name_error("Anne Roux", None, None) is None
    assert name_error("Unknown Undefined", None, None) is not None


# --- Phone: « S'assurer que c'est un cellulaire pour envoyer la confirmation ».

def test_mobile_is_accepted():
    phone = mobile_phone("06 12 34 56 78")
    assert phone.is_mobile is True and phone.e164 == "+33612345678"


def test_landline_is_refused():
    with pytest.raises(ValueError, match="ligne fixe"):
        mobile_phone("04 78 12 34 56")
    with pytest.raises(ValueError, match="ligne fixe"):
        mobile_phone("04 78 12 34 56", confirmed=True)  # confirming does not make it one


def test_number_the_plan_cannot_tell_needs_a_confirmation():
    """North American numbers do not say whether they are mobiles."""
    with pytest.raises(NeedsConfirmation, match="cochez « C'est un cellulaire »"):
        mobile_phone("+1 514 555 1234")
    assert mobile_phone("+1 514 555 1234", confirmed=True).is_mobile is True


def test_unreadable_number():
    with pytest.raises(ValueError) as error:
        mobile_phone("pas un numéro")
    assert not isinstance(error.value, NeedsConfirmation)


# --- Requirements per stage

def _complete(**changes) -> Facts:
    values = {"name": "Anne Roux", "client_first_name": "Anne", "client_last_name": "Roux",
              "phone": "+33 6 12 34 56 78", "phone_is_mobile": True,
              "email": "anne@example.fr", "branch_id": 1, "language": "fr", "owner_id": 2,
              "spex_id": 3, "sales_director_id": 4, "expired": False, "has_meeting": True}
    return Facts(**{**values, **changes})


def test_meeting_prerequisites_are_the_ten_points_of_the_seed():
    """« Voici tous les champs à bien remplir AVANT de créer votre réunion »: Nom de fiche
    client = nom de l'OPP, prénom ET nom, cellulaire, courriel, succursale, langue,
    gestionnaire, SPEX, DV, case « Expirée » non cochée."""
    assert MEETING_PREREQUISITES == ("name", "phone", "email", "branch", "language", "owner",
                                     "spex", "sales_director", "not_expired")
    assert unmet(MEETING_PREREQUISITES, _complete()) == []


def test_an_empty_opportunity_misses_every_prerequisite_in_order():
    missing = unmet(MEETING_PREREQUISITES, Facts())
    assert [r.key for r in missing] == list(MEETING_PREREQUISITES[:-1])  # not expired: ok
    assert missing[0].field == "name" and missing[6].field == "spex_id"


@pytest.mark.parametrize(("changes", "key"), [
    ({"name": "Unknown Roux"}, "name"),
    ({"name": "Anne Martin"}, "name"),  # not the client file's name
    ({"phone_is_mobile": None}, "phone"),  # unconfirmed mobile
    ({"phone_is_mobile": False}, "phone"),
    ({"email": " "}, "email"),
    ({"sales_director_id": None}, "sales_director"),
    ({"expired": True}, "not_expired"),
])
def test_each_prerequisite(changes, key):
    assert [r.key for r in unmet(MEETING_PREREQUISITES, _complete(**changes))] == [key]


def test_closing_stages_need_a_reason_or_a_date():
    """Lost and invalid stages need a reason; « Vendu non livré » the sale date."""
    assert [r.key for r in unmet(("lost_reason",), Facts())] == ["lost_reason"]
    assert unmet(("lost_reason",), Facts(lost_reason_id=1)) == []
    assert [r.key for r in unmet(("sale_date",), Facts())] == ["sale_date"]
    assert unmet(("meeting",), _complete(has_meeting=False))[0].label == "Une réunion planifiée"


def test_stored_requirements_ignore_unknown_keys():
    assert parse_requirements("name, phone,unknown,,meeting") == ("name", "phone", "meeting")
    assert parse_requirements(None) == ()


def test_stamped_dates():
    """« Pris en charge : Vendu (date de vente générée) », « Livré (date de livraison
    générée) »; a date already known is kept."""
    today = date(2026, 3, 1)
    assert stamped_dates("sale_date", today, None, None) == {"sale_date": today}
    assert stamped_dates("sale_date", today, date(2026, 2, 1), None) == {}
    assert stamped_dates("delivery_date", today, None, None) == {"delivery_date": today}
    assert stamped_dates(None, today, None, None) == {}


STAGES = [StageInfo(1, 1), StageInfo(2, 2), StageInfo(3, 3), StageInfo(4, 4, lost=True),
          StageInfo(5, 5, invalid=True), StageInfo(6, 6, required=("meeting",)),
          StageInfo(7, 7), StageInfo(8, 8, lost=True)]


@pytest.mark.parametrize(("current", "expected"), [
    (1, 6), (3, 6), (4, 6),  # Perdu BDC: the client came back
    (5, None),               # Invalide BDC: « Corbeille, comme si le client n'avait jamais existé »
    (6, None), (7, None), (8, None),
])
def test_a_new_meeting_takes_the_opportunity_to_rendez_vous_cedule(current, expected):
    assert stage_for_meeting(STAGES, current) == expected


# --- Meetings: subject and priority

@pytest.mark.parametrize(("kwargs", "subject"), [
    # « RDV inventaire : PRÉNOM / INVENTAIRE »
    ({"stocks": ()}, "ANNE / INVENTAIRE"),
    # « RDV sur stock : PRÉNOM / STOCK »
    ({"stocks": ("A1234",)}, "ANNE / A1234"),
    # « Dépôt : DÉPÔT / PRÉNOM / STOCK »
    ({"stocks": ("A1234",), "deposit": True}, "DÉPÔT / ANNE / A1234"),
    # « Virtuel : VIRTUEL / PRÉNOM / STOCK »
    ({"stocks": ("A1234",), "virtual": True}, "VIRTUEL / ANNE / A1234"),
    # « Transfert : TRANSFERT / PRÉNOM / STOCK »
    ({"stocks": ("A1234",), "transfer": True}, "TRANSFERT / ANNE / A1234"),
    # Several situations: the weightiest prefix.
    ({"stocks": ("A1234",), "deposit": True, "virtual": True}, "DÉPÔT / ANNE / A1234"),
    ({"stocks": (), "virtual": True, "transfer": True}, "VIRTUEL / ANNE / INVENTAIRE"),
    ({"stocks": ("A1", "B2")}, "ANNE / A1 + B2"),
])
def test_meeting_subject(kwargs, subject):
    assert meeting_subject("Anne", **kwargs) == subject


def test_subject_keeps_accents_in_capitals():
    assert meeting_subject("Élodie", ("X9",)) == "ÉLODIE / X9"


@pytest.mark.parametrize(("deposit", "stocks", "priority"), [
    (True, (), Priority.PLATINUM),        # « Platine : si dépôt »
    (True, ("A1", "B2"), Priority.PLATINUM),
    (False, ("A1",), Priority.GOLD),      # « Or : Si RDV sur stock »
    (False, ("A1", "B2"), Priority.SILVER),  # « Argent : Si RDV sur plusieurs stock
    (False, (), Priority.SILVER),         #   ou inventaire »
])
def test_meeting_priority(deposit, stocks, priority):
    assert meeting_priority(deposit, stocks) == priority


def test_stock_numbers_are_normalised():
    assert stock_key("  a 1234 ") == "A1234" and stock_key("") is None
    assert stock_numbers("a1234, B 77 ; a1234 / ") == ("A1234", "B77")
    assert stock_numbers(None) == ()


@pytest.mark.parametrize(("meeting", "follow_up"), [
    (datetime(2026, 3, 12, 14, 30), date(2026, 3, 13)),  # « le lendemain »
    (datetime(2026, 3, 31, 9, 0), date(2026, 4, 1)),
    (date(2026, 12, 31), date(2027, 1, 1)),
])
def test_follow_up_is_the_day_after_the_meeting(meeting, follow_up):
    assert follow_up_date(meeting) == follow_up


def test_moving_the_meeting_moves_the_follow_up():
    """« Ne pas oublier de changer cette date si le client déplace le RDV »."""
    first = follow_up_date(datetime(2026, 3, 12, 14, 30))
    moved = follow_up_date(datetime(2026, 3, 19, 10, 0))
    assert (first, moved) == (date(2026, 3, 13), date(2026, 3, 20))


def test_a_deposit_needs_its_receipt():
    """« Si dépôt : Ne pas oublier de mettre le reçu en pièce jointe »."""
    assert receipt_missing("stripe", has_receipt=False)
    assert not receipt_missing("stripe", has_receipt=True)
    assert not receipt_missing(None, has_receipt=False)


def test_confirmation_recipients_without_repeats():
    assert unique_addresses("dv@x.fr", None, "DV@x.fr", "bdc@x.fr") == ("dv@x.fr", "bdc@x.fr")
    assert unique_addresses("spex@x.fr", "dv@x.fr", excluded=["dv@x.fr"]) == ("spex@x.fr",)


# --- Round robin: « Spécialiste expérience client : À attribuer avec le tour de gun RDV »

T0 = datetime(2026, 3, 1, 9, 0)


def test_rotation_starts_with_those_never_served_in_order():
    assert next_in_rotation([(7, T0), (8, None), (9, None)]) == 8
    assert next_in_rotation([]) is None


def test_rotation_then_serves_the_longest_waiting():
    assert next_in_rotation([(7, T0 + timedelta(hours=2)), (8, T0),
                             (9, T0 + timedelta(hours=1))]) == 8


def _simulate(members: list[int], meetings: int, manual: dict[int, int] | None = None):
    """Assign ``meetings`` meetings; at meeting n, ``manual[n]`` overrides the proposal."""
    last: dict[int, datetime | None] = dict.fromkeys(members)
    served = Counter()
    for n in range(meetings):
        chosen = next_in_rotation([(m, last[m]) for m in members])
        chosen = (manual or {}).get(n, chosen)
        served[chosen] += 1
        last[chosen] = T0 + timedelta(minutes=n)
    return served


def test_rotation_is_fair():
    """30 meetings for 3 SPEX: 10 each, in turn."""
    assert _simulate([11, 12, 13], 30) == {11: 10, 12: 10, 13: 10}


def test_rotation_stays_fair_when_a_spex_is_chosen_by_hand():
    """A SPEX chosen by hand counts as served: over 31 meetings, three of them chosen by
    hand, nobody gets more than one meeting more than another."""
    served = _simulate([11, 12, 13], 31, manual={4: 11, 10: 11, 20: 13})
    assert max(served.values()) - min(served.values()) <= 1
    assert sum(served.values()) == 31


def test_a_new_spex_joins_the_rotation_first():
    last = {11: T0, 12: T0 + timedelta(minutes=1)}
    assert next_in_rotation([(11, last[11]), (12, last[12]), (14, None)]) == 14


# --- Stock conflicts: « 2 clients simultanément sur le même véhicule »

def test_stock_conflicts_point_to_each_other():
    conflicts = stock_conflicts([(1, "A1234"), (2, "B77"), (3, "A1234"), (4, None),
                                 (5, "A1234"), (6, None)])
    assert conflicts == {1: [3, 5], 3: [1, 5], 5: [1, 3]}


def test_no_conflict_alone_on_a_stock():
    assert stock_conflicts([(1, "A1"), (2, "B2")]) == {}


# --- Remarks: the 10-point checklist, and notes appended

def test_remarks_template_has_the_ten_points_in_order():
    lines = remarks_template().splitlines()
    assert len(CHECKLIST) == 10 and len(lines) == 10
    assert lines[0] == "1. RDV en concession ou virtuel →"
    assert lines[6] == "7. Si financement : crédit OK ? →"  # (was « crédit ok? »)
    assert lines[9] == "10. Toute autre information pertinente pour le SPEX →"


def test_notes_are_appended_to_the_remarks():
    """« Il est extrêmement important d'ajouter vos notes dans la section "Remarques" »."""
    remarks = append_note("1. RDV en concession →  virtuel\n", "Appel du 12/03/2026 14:30",
                          "  Client rappelé, RDV confirmé.  ")
    assert remarks == ("1. RDV en concession →  virtuel\n\n— Appel du 12/03/2026 14:30 —\n"
                       "Client rappelé, RDV confirmé.\n")
    assert append_note(None, "Appel", "Note") == "— Appel —\nNote\n"


# --- The pipeline's settings: a stage's nature, its rules, deletions, names --------------


@pytest.mark.parametrize("nature", list(NATURES))
def test_a_nature_is_one_flag_at_most(nature):
    flags = nature_flags(nature)
    assert sum(flags.values()) == (0 if nature == "open" else 1)
    assert stage_nature(**flags) == nature


def test_requirements_are_stored_in_the_order_the_dialog_asks_them():
    assert requirements_text(["meeting", "email", "name", "shoe_size"]) == "name,email,meeting"
    assert requirements_text([]) == ""
    assert requirements_text(REQUIREMENTS) == ",".join(REQUIREMENTS)


@pytest.mark.parametrize("default", DEFAULT_STAGES, ids=[s.key for s in DEFAULT_STAGES])
def test_the_default_stages_follow_the_settings_rules(default):
    settings = StageSettings(stage_nature(default.won, default.lost, default.invalid),
                             default.expires_after_days, parse_requirements(default.required),
                             default.stamps)
    assert stage_settings_errors(settings) == {}


def test_the_first_default_stage_can_receive_new_opportunities():
    first = DEFAULT_STAGES[0]
    assert first_stage_error(first.name, StageSettings(
        "open", first.expires_after_days, parse_requirements(first.required))) is None


@pytest.mark.parametrize(("settings", "field", "message"), [
    # PRODUCT §2: « every lost or invalid stage needs a reason ».
    (StageSettings("lost"), "required", "Une étape perdue exige la « Raison de la perte »"),
    (StageSettings("invalid", required=("email",)), "required",
     "Une étape invalide exige la « Raison de la perte »"),
    (StageSettings("won", expires_after_days=56), "expires_after_days",
     "Une étape gagnée n'expire pas"),
    (StageSettings("won", required=("lost_reason",)), "required",
     "Une étape gagnée n'exige pas de raison"),
    (StageSettings("lost", required=("lost_reason", "meeting")), "required",
     "n'exige pas de réunion"),
    (StageSettings("invalid", required=("lost_reason",), stamps="delivery_date"), "stamps",
     "n'enregistre ni date de vente ni date de livraison"),
    (StageSettings("won", required=("sale_date",), stamps="sale_date"), "required",
     "La « Date de vente » est enregistrée à l'entrée"),
])
def test_stage_settings_errors(settings, field, message):
    errors = stage_settings_errors(settings)
    assert list(errors) == [field] and message in errors[field]


@pytest.mark.parametrize("settings", [
    StageSettings(),
    StageSettings("open", 30, ("email", "lost_reason")),  # a reason asked on an open stage
    StageSettings("lost", 56, ("lost_reason",)),  # « Perdu BDC » may come back: may expire
    StageSettings("won", None, ("sale_date",), "delivery_date"),
    StageSettings("open", None, ("meeting",)),
])
def test_stage_settings_without_error(settings):
    assert stage_settings_errors(settings) == {}


def test_several_errors_on_one_field_are_all_said():
    errors = stage_settings_errors(StageSettings("lost", required=("meeting",)))
    assert "exige la « Raison de la perte »" in errors["required"]
    assert "n'exige pas de réunion" in errors["required"]


@pytest.mark.parametrize(("settings", "refused"), [
    (StageSettings("open", 56), False),
    (StageSettings("open"), False),
    (StageSettings("lost", required=("lost_reason",)), True),
    (StageSettings("won"), True),
    (StageSettings("open", required=("email",)), True),
    (StageSettings("open", stamps="sale_date"), True),
])
def test_the_first_stage_receives_new_opportunities_unchecked(settings, refused):
    error = first_stage_error("Étape", settings)
    assert (error is not None) == refused
    if refused:
        assert error.startswith("La première étape reçoit les nouvelles opportunités")
        assert error.endswith("(« Étape » ne l'est pas).")


def test_a_stage_is_deleted_when_empty_and_not_the_last():
    assert stage_delete_error("Contacté", 0, 13) is None
    assert stage_delete_error("Contacté", 1, 13) == (
        "« Contacté » contient 1 opportunité : déplacez-les d'abord vers une autre étape.")
    assert "contient 1234 opportunités" in stage_delete_error("Contacté", 1234, 13)
    assert stage_delete_error("Contacté", 0, 1) == (
        "C'est la seule étape du pipeline : elle ne peut pas être supprimée.")


def test_a_type_or_reason_is_deleted_when_unused_and_not_the_last():
    assert item_delete_error("SMS", 0, 4, "un type") is None
    assert item_delete_error("SMS", 3, 4, "un type") == (
        "« SMS » est utilisé par 3 opportunités : changez-le d'abord sur ces opportunités.")
    assert item_delete_error("Doublon", 0, 1, "une raison de perte") == (
        "Il faut au moins une raison de perte : « Doublon » ne peut pas être supprimé.")


@pytest.mark.parametrize(("name", "others", "taken"), [
    ("Contacté", ["Contacté"], True),
    ("contacté", ["Contacté"], True),
    ("  CONTACTÉ ", ["Contacté"], True),
    ("Contacte", ["Contacté"], False),  # accents count: another word
    ("Lead", ["Lead Internet"], False),
    ("Doublon", [], False),
])
def test_names_clash_whatever_the_case(name, others, taken):
    assert name_taken(name, others) is taken


# --- Stock conflicts, issue 13.6: only active opportunities, a copy is not a conflict with
# the one it replaced (seed 003 « Expirée … on doit créer une nouvelle OPP »).

@pytest.mark.parametrize(("closed_badly", "delivered", "expired", "claims"), [
    (False, False, False, True),
    (True, False, False, False),  # lost or invalid
    (False, True, False, False),  # « Livré »
    (False, False, True, False),  # expired: copied into a new one
])
def test_only_an_active_opportunity_claims_its_vehicle(closed_badly, delivered, expired,
                                                       claims):
    assert claims_vehicle(closed_badly, delivered, expired) is claims


def test_a_copy_is_no_conflict_with_its_original():
    rows = [(1, "A1", None), (2, "A1", 1), (3, "A1", None)]
    assert stock_conflicts(rows) == {1: [3], 2: [3], 3: [1, 2]}


@pytest.mark.parametrize(("deposit", "on_site", "meeting", "shown"), [
    (True, True, True, "dépôt"),
    (False, True, True, "client en succursale (walk-in)"),
    (False, False, True, "rendez-vous planifié"),
    (False, False, False, None),
])
def test_what_each_card_of_a_conflict_holds(deposit, on_site, meeting, shown):
    """« Dépôt BDC vs Rendez-vous présent vs Walk-In naturel »: shown, the DV decides."""
    assert claim_situation(deposit, on_site, meeting) == shown


# --- Issue 13.7: « Expirée … Si elle l'est, on doit créer une nouvelle OPP »

@pytest.mark.parametrize(("expired", "closes_badly", "missing"), [
    (True, False, ["not_expired"]),  # Walk-in, Pris en charge…: copy it instead
    (True, True, []),  # Perdu BDC, Invalide BDC: allowed
    (False, False, []),
])
def test_an_expired_opportunity_moves_only_to_a_lost_or_invalid_stage(expired, closes_badly,
                                                                      missing):
    found = move_unmet((), Facts(expired=expired), closes_badly)
    assert [r.key for r in found] == missing


def test_a_stage_requiring_not_expired_says_it_once():
    found = move_unmet(("not_expired",), Facts(expired=True), False)
    assert [r.key for r in found] == ["not_expired"]
