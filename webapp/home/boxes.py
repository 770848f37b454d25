"""Which boxes each role's home page shows, in order (modules fill them as they land)."""

from dataclasses import dataclass

from webapp.auth.models import Role


@dataclass(frozen=True)
class Box:
    key: str
    title: str
    empty: str


CLIENTS = Box("clients", "Mes clients", "Recherchez un client par nom, téléphone ou e-mail.")
OPERATIONS = Box("operations", "Opérations en cours", "Aucune opération commerciale en cours.")
PILOTAGE = Box("pilotage", "Pilotage", "Les indicateurs des opérations apparaîtront ici.")
ALERTS = Box("alerts", "Alertes", "Aucune alerte.")
PIPELINE = Box("pipeline", "Mes opportunités", "Aucune opportunité à traiter.")
REQUESTS = Box("requests", "Demandes au back-office", "Aucune demande en attente.")
TEAM = Box("team", "Mon équipe", "Aucun conseiller de l'équipe ne suit de client.")
TASKS = Box("tasks", "Mes tâches", "Aucune tâche due aujourd'hui.")
CLIENT_REQUESTS = Box("client_requests", "Mes demandes clients",
                      "Aucune demande client transmise.")
ADMIN = Box("admin", "Administration", "Gérez les utilisateurs, les équipes et les données.")

BY_ROLE = {
    Role.ADMIN: (ADMIN, ALERTS, CLIENTS),
    Role.MANAGER: (PILOTAGE, ALERTS, TASKS, TEAM, OPERATIONS, REQUESTS, CLIENT_REQUESTS),
    # Seed 004's worked example is « le conseiller »: his pilotage, on his own figures.
    Role.ADVISOR: (OPERATIONS, TASKS, ALERTS, PILOTAGE, CLIENTS, REQUESTS,
                   CLIENT_REQUESTS),
    Role.BDC_AGENT: (PIPELINE, ALERTS, CLIENTS),
    Role.BO_ASSISTANT: (REQUESTS, ALERTS, CLIENTS, CLIENT_REQUESTS),
}


def boxes_for(role: Role) -> tuple[Box, ...]:
    return BY_ROLE[role]
