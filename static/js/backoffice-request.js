// The request form: when the client picker settles on another client, ask htmx to refresh
// the contracts, copies and subject offered (#request-options listens for the event).
(function () {
  "use strict";
  var last = null;
  document.body.addEventListener("htmx:afterSettle", function () {
    var input = document.querySelector("#request-client input[name=client_id]");
    if (!input) { return; }
    if (last !== null && input.value !== last) {
      document.body.dispatchEvent(new CustomEvent("pilote:client-picked"));
    }
    last = input.value;
  });
  var first = document.querySelector("#request-client input[name=client_id]");
  if (first) { last = first.value; }
})();
