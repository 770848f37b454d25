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
  // Forms answer 422 (invalid) or 409 (conflict) with the form and its messages: show it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A closed dialog forgets its last form, so reopening never shows stale input.
  document.addEventListener("close", function (event) {
    var body = event.target.querySelector && event.target.querySelector("[id$='-dialog-body']");
    if (body) {
      body.innerHTML = "<p class=\"p-4\" id=\"" + event.target.id + "-title\">Chargement…</p>";
    }
  }, true);
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
