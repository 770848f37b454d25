"""The shared vocabulary: enumerations with French labels, and select options for forms
and filters (WTForms SelectChoice objects)."""

import enum

from wtforms import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """``[(value, label), …]`` as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def label_of(choices, value, default="—") -> str:
    return next((str(c.label) for c in choices if c.value == value), default)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a French label: ``Role.ADVISOR.label``."""

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls):
        return options((m.value, m.label) for m in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """``{value: label}``, for templates and history."""
        return {m.value: m.label for m in cls}
