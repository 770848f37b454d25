"""The links of a kanban card, built once per response and completed per card: calling
url_for three times for each of 260 cards costs more than the board's queries."""

from dataclasses import dataclass

from flask import url_for

PLACEHOLDER = "987654321"


@dataclass(frozen=True)
class CardUrls:
    patterns: dict[str, str]

    @classmethod
    def build(cls, args: dict) -> "CardUrls":
        """The patterns, with the board's filters (``args``) in the move URLs."""
        return cls({
            "detail": url_for("opportunities.detail", opportunity_id=PLACEHOLDER),
            "move": url_for("opportunities.move", opportunity_id=PLACEHOLDER, view="board",
                            **args),
            "menu": url_for("opportunities.move_menu", opportunity_id=PLACEHOLDER,
                            view="board", **args)})

    def __call__(self, kind: str, opportunity_id: int) -> str:
        return self.patterns[kind].replace(PLACEHOLDER, str(opportunity_id), 1)
