"""Select options for forms and filters (WTForms SelectChoice objects)."""

from wtforms import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """``[(value, label), …]`` as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def label_of(choices, value, default="—") -> str:
    return next((str(c.label) for c in choices if c.value == value), default)
