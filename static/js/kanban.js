// The kanban (templates/opportunities/board.html). A card dropped in another column posts
// its move (SortableJS); a move the stage refuses comes back as the dialog of what is
// missing (HX-Trigger "kanban:refused") and the card returns to its column. The
// « Déplacer vers… » menu is plain htmx; here only the focus is taken care of: the dialog's
// title when its content changes, the moved card's menu button when the dialog closes.
(function () {
  "use strict";
  var pending = null;  // the card being moved by drag: {item, from, next}
  var returnTo = null;  // the id of the card whose menu opened the dialog

  function moveDialog() { return document.getElementById("move-dialog"); }

  htmx.onLoad(function (content) {
    if (typeof Sortable === "undefined") { return; }
    var lists = [];
    if (content.matches && content.matches("[data-kanban] [data-stage]")) { lists.push(content); }
    content.querySelectorAll("[data-kanban] [data-stage]").forEach(function (l) { lists.push(l); });
    lists.forEach(function (list) {
      if (list.sortableReady) { return; }
      list.sortableReady = true;
      Sortable.create(list, {
        group: "kanban",
        sort: false,
        draggable: ".kanban-card",
        filter: "a, button",
        preventOnFilter: false,
        forceFallback: true,
        fallbackTolerance: 4,
        delay: 150,
        delayOnTouchOnly: true,
        animation: 150,
        onStart: function (event) {
          pending = {item: event.item, from: event.from, next: event.item.nextElementSibling};
        },
        onEnd: function (event) {
          if (event.from === event.to) { pending = null; return; }
          htmx.ajax("POST", event.item.getAttribute("data-move-url"), {
            source: event.item, target: "#move-dialog-body", swap: "innerHTML",
            values: {stage_id: event.to.getAttribute("data-stage")}
          });
        }
      });
    });
  });

  // Refused: the card goes back where it was, the dialog shows what is missing.
  document.body.addEventListener("kanban:refused", function () {
    if (pending && pending.item.isConnected) {
      pending.from.insertBefore(pending.item, pending.next);
      returnTo = pending.item.id;
    }
    pending = null;
    var dialog = moveDialog();
    if (dialog && !dialog.open) { dialog.showModal(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".kanban-move");
    if (button) { returnTo = button.closest(".kanban-card").id; }
  });

  // New content in the dialog: the first field in error, else its title, gets the focus.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.closest("#move-dialog") === null) { return; }
    var focus = target.querySelector("[aria-invalid=true]") ||
      target.querySelector("#move-dialog-title");
    if (focus) { focus.focus(); }
  });

  // The dialog closed (moved, or cancelled): back to the card's menu button, in its
  // column, old or new.
  document.addEventListener("close", function (event) {
    if (event.target.id !== "move-dialog" || !returnTo) { return; }
    var id = returnTo;
    returnTo = null;
    window.setTimeout(function () {
      var card = document.getElementById(id);
      var button = card && card.querySelector(".kanban-move");
      if (button) { button.focus(); }
    }, 0);
  }, true);
})();
