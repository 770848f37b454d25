// Bilan – Synthèse: draw each plotly figure whose JSON (data, layout, config) sits in the
// <script type="application/json"> its element names (data-chart), when the page loads and
// when htmx swaps in new content (a chosen step's chart).
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly || !root.querySelectorAll) { return; }
    var elements = Array.prototype.slice.call(root.querySelectorAll("[data-chart]"));
    if (root.matches && root.matches("[data-chart]")) { elements.push(root); }
    elements.forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source || element.hasAttribute("data-drawn")) { return; }
      var figure = JSON.parse(source.textContent);
      element.setAttribute("data-drawn", "");
      window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
