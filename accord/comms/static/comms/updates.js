// Status update form: "Add another ask" clones the formset's empty row. Without JavaScript
// the form still offers blank rows, so this is only a convenience.
(function () {
  "use strict";

  function bind() {
    var button = document.querySelector("[data-add-ask]");
    var template = document.getElementById("ask-row-template");
    var rows = document.querySelector("[data-ask-rows]");
    var total = document.querySelector("input[name='asks-TOTAL_FORMS']");
    var max = document.querySelector("input[name='asks-MAX_NUM_FORMS']");
    if (!button || !template || !rows || !total) { return; }
    var limit = max ? parseInt(max.value, 10) : 10;
    function refresh() { button.hidden = parseInt(total.value, 10) >= limit; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= limit) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var input = added && added.querySelector("input[type=text]");
      if (input) { input.focus(); }
      refresh();
    });
    refresh();
  }

  if (document.readyState !== "loading") { bind(); } else { document.addEventListener("DOMContentLoaded", bind); }
})();
