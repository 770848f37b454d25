"""Default data of the pipeline (the migration a6c1e0f1b2d3 inserts the same rows)."""

from dataclasses import dataclass

from sqlalchemy import select

from webapp.extensions import db
from webapp.opportunities.models import LostReason, OpportunityType, Stage
from webapp.opportunities.rules import EXPIRY_DAYS, MEETING_PREREQUISITES, RELAUNCH_DAYS


@dataclass(frozen=True)
class StageDefault:
    key: str
    name: str
    description: str
    won: bool = False
    lost: bool = False
    invalid: bool = False
    expires_after_days: int | None = None
    relaunch_after_days: int | None = None
    required: str = ""
    stamps: str | None = None


# Seed 003 « Définition des étapes de l'Opportunité », in order; PRODUCT.md §2 gives the
# requirements: a meeting (and its prerequisites) to enter « Rendez-vous cédulé », a reason
# for every lost or invalid stage, the sale date for « Vendu non livré ».
STAGES = (
    StageDefault("en-traitement", "En traitement", "Nouvelle opportunité non contactée",
                 expires_after_days=EXPIRY_DAYS),
    StageDefault("reponse-envoyee", "Réponse envoyée",
                 "Courriel ou texto envoyé mais pas de réponse du client",
                 expires_after_days=EXPIRY_DAYS),
    StageDefault("contacte", "Contacté",
                 "Contact au téléphone, par texto ou par courriel avec le client",
                 expires_after_days=EXPIRY_DAYS),
    StageDefault("perdu-bdc", "Perdu BDC",
                 "Le client n'a pas été « closé » par le BDC (relance automatique)",
                 lost=True, required="lost_reason", relaunch_after_days=RELAUNCH_DAYS),
    StageDefault("invalide-bdc", "Invalide BDC",
                 "Corbeille, comme si le client n'avait jamais existé", invalid=True,
                 required="lost_reason"),
    StageDefault("rdv-cedule", "Rendez-vous cédulé", "Le client a un RDV de planifié",
                 required=",".join((*MEETING_PREREQUISITES, "meeting"))),
    StageDefault("rdv-present", "Rendez-vous présent / Walk-in",
                 "Le client est allé en succursale"),
    StageDefault("perdu-salle", "Perdu salle de montre",
                 "Perdu une fois que le client a été en succursale", lost=True,
                 required="lost_reason"),
    StageDefault("pris-en-charge", "Pris en charge", "Vendu (date de vente générée)",
                 won=True, stamps="sale_date"),
    StageDefault("perdu-fi", "Perdu F&I", "Vente faite mais perdue par le/la F&I", lost=True,
                 required="lost_reason"),
    StageDefault("vendu-non-livre", "Vendu non livré", "Vendu, en préparation", won=True,
                 required="sale_date"),
    StageDefault("livre", "Livré", "Livré (date de livraison générée)", won=True,
                 stamps="delivery_date"),
    StageDefault("suivi-long-terme", "En suivi long-terme",
                 "Pas de vente mais un intérêt du client pour un achat futur, suivi de plus "
                 "de 4 semaines"),
)

# « Type : Lead Internet, Phone-Up, Clavardage ou SMS. »
TYPES = ("Lead Internet", "Phone-Up", "Clavardage", "SMS")

LOST_REASONS = ("Pas de réponse du client", "A acheté ailleurs", "Prix ou financement",
                "Véhicule vendu à un autre client", "Projet reporté ou abandonné",
                "Crédit refusé", "Doublon", "Coordonnées invalides")


def ensure_defaults() -> None:
    """Insert the default stages, types and lost reasons into the tables that are empty
    (idempotent). A table that holds rows is the admin's: a default stage they deleted or
    a type they renamed is not brought back by the next import."""
    if db.session.scalar(select(Stage.id).limit(1)) is None:
        db.session.add_all(Stage(position=position, **vars(stage))
                           for position, stage in enumerate(STAGES, 1))
    for model, names in ((OpportunityType, TYPES), (LostReason, LOST_REASONS)):
        if db.session.scalar(select(model.id).limit(1)) is None:
            db.session.add_all(model(name=name, position=position)
                               for position, name in enumerate(names, 1))
    db.session.flush()
