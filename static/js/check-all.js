// A header checkbox (data-check-all="name") ticks or unticks the page's checkboxes of
// that name; ticking one by one keeps the header in step.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    var form = box.form || document;
    if (name) {
      form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (b) {
        b.checked = box.checked;
      });
      return;
    }
    var header = box.form && box.form.querySelector("[data-check-all='" + box.name + "']");
    if (header) {
      var all = box.form.querySelectorAll("input[type=checkbox][name='" + box.name + "']");
      header.checked = Array.prototype.every.call(all, function (b) { return b.checked; });
    }
  });
})();
