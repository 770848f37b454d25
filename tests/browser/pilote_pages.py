"""Steps and page probes shared by the browser tests (plain functions, no fixtures)."""

from playwright.sync_api import Locator, Page, expect

PASSWORD = "correct horse battery"  # tests/conftest.py's factories' default
REFERRER_DIALOG = "#referrer-picker-dialog"

# Every visible control the user touches, with its size; inline text links excepted
# (WCAG 2.5.8 "inline" exception), but not links in table cells: there they are the
# row's action. The skip link is visually hidden until focused.
TOUCH_TARGETS_JS = """(minimum) => {
  const selector = "button, .btn, input:not([type=hidden]), select, textarea, .nav-link,"
    + " .navbar-brand, .navbar-toggler, .page-link, .list-group-item-action, td a, th a";
  return [...document.querySelectorAll(selector)]
    .filter(e => e.checkVisibility() && !e.closest("[inert]")
                 && !e.matches(".visually-hidden-focusable"))
    .filter(e => !document.querySelector("dialog[open]") || e.closest("dialog[open]"))
    .map(e => { const r = e.getBoundingClientRect();
      return {element: e.outerHTML.slice(0, 120).replace(/\\s+/g, " "),
              width: Math.round(r.width), height: Math.round(r.height)}; })
    .filter(t => t.width < minimum || t.height < minimum);
}"""

# Form controls in `root` that no <label> of their own names: a label's `for` reaches only
# the first element with that id, so a duplicated id leaves the second control unnamed.
UNLABELLED_JS = """(root) => {
  const controls = [...root.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .filter(e => e.checkVisibility());
  const unnamed = controls
    .filter(e => (!e.labels || e.labels.length === 0) && !e.getAttribute("aria-label")
                 && !e.getAttribute("aria-labelledby"))
    .map(e => `<${e.tagName.toLowerCase()} name="${e.name}" id="${e.id}">`);
  const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
  const duplicated = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  return {unnamed, duplicated};
}"""


def go_nav(page: Page, name: str) -> None:
    """Follow a link of the main navigation, opening the collapsed menu first (portrait),
    and the drop-down menu (« Suivi », « Administration ») the link is in."""
    toggler = page.get_by_role("button", name="Ouvrir le menu")
    if toggler.is_visible():
        toggler.tap()
    nav = page.get_by_role("navigation", name="Navigation principale")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu = nav.locator(".dropdown").filter(has_text=name)  # its items are hidden
        menu.locator(".dropdown-toggle").tap()
    link.tap()


def open_referrer_dialog(page: Page, how=None) -> Locator:
    """Open the "Recommandé par" picker's dialog (tap "+ Créer une fiche client", or
    ``how()``) and wait for the form it loads. A form left in the dialog by an earlier
    opening stays there until the new one arrives: it is marked so as not to be taken
    for the new one."""
    dialog = page.locator(REFERRER_DIALOG)
    dialog.locator("form").evaluate_all("forms => forms.forEach(f => f.dataset.stale = '')")
    if how is None:
        page.locator("#referrer-picker").get_by_role(
            "button", name="+ Créer une fiche client").tap()
    else:
        how()
    expect(dialog).to_be_visible()
    expect(dialog.locator("form:not([data-stale])").get_by_role(
        "button", name="Enregistrer et associer")).to_be_visible()
    return dialog


def mark_document(page: Page) -> None:
    """Leave a mark on the current document: it is gone if the page reloads."""
    page.evaluate("() => { window.__piloteSameDocument = true; }")


def same_document(page: Page) -> bool:
    return page.evaluate("() => window.__piloteSameDocument === true")


def htmx_settled(page: Page) -> None:
    """Wait until htmx has settled its last swap: new content is wired (its hx-trigger
    listeners attached) only then, so a change typed into it earlier would be lost."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-added, .htmx-settling, .htmx-swapping')")
