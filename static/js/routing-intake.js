// The intake form: when the client picker settles on another client, ask htmx to refresh
// the routing panel (#routing-panel listens for the event).
(function () {
  "use strict";
  var selector = "#intake-client input[name=client_id]";
  var last = null;
  document.body.addEventListener("htmx:afterSettle", function () {
    var input = document.querySelector(selector);
    if (!input) { return; }
    if (last !== null && input.value !== last) {
      document.body.dispatchEvent(new CustomEvent("pilote:client-picked"));
    }
    last = input.value;
  });
  var first = document.querySelector(selector);
  if (first) { last = first.value; }
})();
