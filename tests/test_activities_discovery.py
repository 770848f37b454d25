"""Discovery (three themes at least, the CNIL notice, editable on the tablet) and the
client's data export (JSON and PDF read back), for managers and admins."""

import json
import subprocess

import pytest
from sqlalchemy import select

from webapp.activities.discovery.models import Discovery, DiscoveryItem
from webapp.extensions import db

THREE = {"theme_activity": "Fleuriste depuis 1998, deux employés",
         "theme_projects": "Souhaite revoir son commercial dans 3 mois",
         "theme_media": "Intérêt pour un pavé ou un site visibilité"}


@pytest.fixture
def anne(org, make_client):
    return make_client(advisor=org["advisor"], email="anne.roux@example.com")


def test_form_shows_the_notice_and_is_offline_ready(org, login, anne):
    page = login(org["advisor"]).get(f"/activities/clients/{anne.id}/discovery")
    assert page.status_code == 200
    assert "Droit de regard du client." in page.text and "faits objectifs" in page.text
    assert "data-offline" in page.text


def test_two_themes_are_refused_three_are_saved(org, login, anne):
    http = login(org["advisor"])
    two = {k: v for k, v in list(THREE.items())[:2]}
    refused = http.post(f"/activities/clients/{anne.id}/discovery", data=two)
    assert refused.status_code == 422 and "3 minimum obligatoires" in refused.text
    assert "Fleuriste depuis 1998" in refused.text  # nothing typed is lost
    assert http.post(f"/activities/clients/{anne.id}/discovery", data=THREE).status_code == 302
    discovery = db.session.scalars(select(Discovery)).one()
    assert len(discovery.items) == 3 and discovery.updated_by_id == org["advisor"].id
    edited = http.post(f"/activities/clients/{anne.id}/discovery", data={
        **THREE, "theme_activity": "", "theme_budget": "500 € par an",
        "version": discovery.version})
    assert edited.status_code == 302
    db.session.expire_all()
    assert sorted(i.theme for i in db.session.scalars(select(DiscoveryItem))) == [
        "budget", "media", "projects"]
    stale = http.post(f"/activities/clients/{anne.id}/discovery",
                      data={**THREE, "version": "1"})
    assert stale.status_code == 409


def test_too_long_and_someone_elses_client(org, login, anne):
    http = login(org["advisor"])
    long = http.post(f"/activities/clients/{anne.id}/discovery",
                     data={**THREE, "theme_budget": "x" * 2001})
    assert long.status_code == 422
    other = login(org["other_advisor"])
    assert other.get(f"/activities/clients/{anne.id}/discovery").status_code == 404
    assert other.post(f"/activities/clients/{anne.id}/discovery", data=THREE).status_code == 404


def test_export_for_managers_and_admins_only(org, login, anne, make_task, make_client):
    login(org["advisor"]).post(f"/activities/clients/{anne.id}/discovery", data=THREE)
    make_task(anne, org["advisor"], subject="Envoyer la plaquette", notes="Version papier")
    assert login(org["advisor"]).get(
        f"/activities/clients/{anne.id}/export.json").status_code == 403
    assert login(org["bdc_agent"]).get(
        f"/activities/clients/{anne.id}/export.pdf").status_code == 403
    manager = login(org["manager"])
    response = manager.get(f"/activities/clients/{anne.id}/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["client"]["email"] == "anne.roux@example.com"
    assert {t["theme"] for t in data["discovery"]["themes"]} >= {"Communication actuelle"}
    assert data["tasks"][0]["subject"] == "Envoyer la plaquette"
    assert {"Tâche", "Découverte"} <= {a["kind"] for a in data["activities"]}
    other_team = make_client(first_name="Paul", advisor=org["other_advisor"])
    assert manager.get(f"/activities/clients/{other_team.id}/export.json").status_code == 404


def test_export_pdf_reads_back(org, login, anne, tmp_path):
    login(org["advisor"]).post(f"/activities/clients/{anne.id}/discovery", data=THREE)
    response = login(org["admin"]).get(f"/activities/clients/{anne.id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "client.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Données enregistrées sur Anne Roux" in text
    assert "Intérêt pour un pavé ou un site visibilité" in text
    assert "anne.roux@example.com" in text
