"""Supervision forms: the bulk conclusion of the Gestion tab."""

from wtforms import HiddenField, RadioField

from webapp.choices import options
from webapp.operations.timeline.forms import ConclusionFields

PER_CLIENT, TOTAL = "per_client", "total"


class BulkConclusionForm(ConclusionFields):
    """One conclusion for every selected client; ``confirmed`` once the count was shown.
    The amount is « par client », or « total réparti » over the clients (seed 004: « le
    montant de la collecte réalisée (montant total) »)."""

    amount_mode = RadioField("Le montant est", default=PER_CLIENT, choices=options([
        (PER_CLIENT, "le montant par client"), (TOTAL, "le montant total réparti")]))
    confirmed = HiddenField()

    @property
    def split(self) -> bool:
        """The amount is a total to share over the clients."""
        return self.amount_mode.data == TOTAL
