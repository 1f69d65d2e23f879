// Surveys: "Add another question" on the instrument form clones the blank question form
// (Django formset: the __prefix__ placeholder becomes the next index).
(function () {
  "use strict";
  function setup() {
    var button = document.querySelector("[data-add-item]");
    var template = document.getElementById("item-template");
    var total = document.getElementById("id_items-TOTAL_FORMS");
    var list = document.getElementById("item-forms");
    if (!button || !template || !total || !list) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var form = holder.firstElementChild;
      var legend = form.querySelector("legend");
      if (legend) { legend.textContent = "Question " + (index + 1); }
      list.appendChild(form);
      total.value = String(index + 1);
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
