// Dialogs (native <dialog>) opened by buttons, closed by buttons or by the server
// (HX-Trigger: pilote:close-dialog). Nothing else here: htmx does the rest.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog && !dialog.open) { dialog.showModal(); }
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var parent = closer.closest("dialog");
      if (parent) { parent.close(); }
    }
  });
  document.body.addEventListener("pilote:close-dialog", function () {
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); });
  });
  // A request that fails shows a message instead of doing nothing.
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) { return; }  // forms re-rendered with their errors
    window.alert("La demande n'a pas abouti (erreur " + status + "). Rechargez la page.");
  });
})();
