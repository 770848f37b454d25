// Lists reordered by drag and drop (SortableJS): each [data-sortable] list sits in a form
// whose hx-trigger is "reordered"; when a drop changes the order the list fires it, it
// bubbles to the form and htmx posts the items' hidden ids in their new order.
(function () {
  "use strict";
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
