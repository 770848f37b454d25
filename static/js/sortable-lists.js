// Lists reordered by drag and drop (SortableJS): each [data-sortable] list sits in a form
// whose hx-trigger is "reordered"; when a drop changes the order the list fires it, it
// bubbles to the form and htmx posts the items' hidden ids in their new order.
(function () {
  "use strict";
  // Keyboard and screen-reader alternative to dragging: ↑ / ↓ buttons move their item
  // one place and post the new order the same way a drop does.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) { return; }
    var list = button.closest("[data-sortable]");
    var item = Array.prototype.find.call(list.children, function (child) {
      return child.contains(button);
    });
    var up = button.getAttribute("data-move") === "up";
    var neighbour = up ? item.previousElementSibling : item.nextElementSibling;
    if (!neighbour) { return; }
    list.insertBefore(item, up ? neighbour : neighbour.nextElementSibling);
    button.focus();
    list.dispatchEvent(new CustomEvent("reordered", {bubbles: true}));
  });
  htmx.onLoad(function (content) {
    var lists = [];
    if (content.matches && content.matches("[data-sortable]")) { lists.push(content); }
    content.querySelectorAll("[data-sortable]").forEach(function (l) { lists.push(l); });
    lists.forEach(function (list) {
      if (list.sortableReady) { return; }
      list.sortableReady = true;
      Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) {
            list.dispatchEvent(new CustomEvent("reordered", {bubbles: true}));
          }
        }
      });
    });
  });
})();
