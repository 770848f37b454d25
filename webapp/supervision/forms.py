"""Supervision forms: the bulk conclusion of the Gestion tab."""

from wtforms import HiddenField

from webapp.operations.timeline.forms import ConclusionFields


class BulkConclusionForm(ConclusionFields):
    """One conclusion for every selected client; ``confirmed`` once the count was shown."""

    confirmed = HiddenField()
