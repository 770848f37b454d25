// The checklist's Extranet fields show only when the subscription format is Extranet, and
// the reception address only when it differs from the general one (the server renders the
// same state; this keeps it while the user changes the select or the box).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-extranet-switch]");
    if (select) {
      var fields = document.getElementById(select.getAttribute("data-extranet-switch"));
      if (fields) { fields.hidden = select.value !== "extranet"; }
    }
    var same = event.target.closest("[data-same-switch]");
    if (same) {
      var address = document.getElementById(same.getAttribute("data-same-switch"));
      if (address) { address.hidden = same.checked; }
    }
  });
})();
