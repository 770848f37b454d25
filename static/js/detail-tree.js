// Bilan – Détail: a line's button loads the lines it holds just below it (htmx); pressed
// again, it folds them: they are removed (theirs too) and load afresh when reopened.
(function () {
  "use strict";
  function fold(id) {
    document.querySelectorAll("[data-tree-parent=\"" + CSS.escape(id) + "\"]")
      .forEach(function (row) { fold(row.id); row.remove(); });
  }
  function mark(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var glyph = button.querySelector(".tree-mark");
    if (glyph) { glyph.textContent = open ? "▾" : "▸"; }
  }
  // Capture phase: runs before htmx's listener on the button, which an open line must not
  // reach (it would load the lines a second time).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree-toggle]");
    if (!button) { return; }
    if (button.getAttribute("aria-expanded") === "true") {
      event.stopPropagation();
      event.preventDefault();
      fold(button.closest("tr").id);
      mark(button, false);
    } else {
      mark(button, true);
    }
  }, true);
})();
