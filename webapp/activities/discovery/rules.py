"""Pure rules of the discovery (seed 001, slide 26: « Quelles informations essentielles
noter ? Combien (3 minimum obligatoires) ? […] cnil : informations dont le client a un
droit de regard et peut en demander l'accès ou la correction, information de nature
objective »)."""

MIN_ITEMS = 3
TEXT_MAX = 2000
TOO_FEW = ("Renseignez au moins {n} thèmes de la découverte (« 3 minimum obligatoires ») : "
           "{count} renseigné{s}.")
TOO_LONG = f"Chaque thème tient en {TEXT_MAX} caractères au plus."
CNIL_NOTICE = ("Le client peut demander à lire ces notes et à les faire corriger (CNIL) : "
               "n'écrivez que des faits objectifs, sans jugement ni information sur d'autres "
               "personnes.")


def filled(texts: dict[str, str]) -> dict[str, str]:
    """The themes with something written (blanks dropped, text trimmed)."""
    return {theme: text.strip() for theme, text in texts.items() if (text or "").strip()}


def discovery_error(texts: dict[str, str]) -> str | None:
    """A discovery is saved with at least three themes filled, each within 2 000
    characters."""
    items = filled(texts)
    if any(len(text) > TEXT_MAX for text in items.values()):
        return TOO_LONG
    if len(items) < MIN_ITEMS:
        return TOO_FEW.format(n=MIN_ITEMS, count=len(items), s="s" if len(items) > 1 else "")
    return None
