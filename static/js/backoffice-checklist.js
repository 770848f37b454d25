// The checklist's Extranet fields show only when the subscription format is Extranet
// (the server renders the same state; this keeps it while the user changes the select).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-extranet-switch]");
    if (!select) { return; }
    var fields = document.getElementById(select.getAttribute("data-extranet-switch"));
    if (fields) { fields.hidden = select.value !== "extranet"; }
  });
})();
