// Person picker: copies the person chosen among the htmx suggestions into the hidden input
// that the form posts (see accord/org/person_picker.py). No inline script: CSP nonces.
(function () {
  "use strict";

  function picker(element) {
    return element.closest("[data-person-picker]");
  }

  function choose(box, uuid, label, emptyLabel) {
    box.querySelector("[data-picker-value]").value = uuid;
    var search = box.querySelector("[data-picker-search]");
    search.value = label;
    var chosen = box.querySelector("[data-picker-chosen]");
    chosen.textContent = "";
    if (uuid) {
      chosen.append("Chosen: ");
      var strong = document.createElement("strong");
      strong.textContent = label;
      chosen.append(strong);
    } else {
      chosen.textContent = emptyLabel;
    }
    var clear = box.querySelector("[data-picker-clear]");
    if (clear) clear.hidden = !uuid;
    box.querySelector("[data-picker-options]").replaceChildren();
    search.focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var option = target.closest("[data-pick]");
    if (option && picker(option)) {
      choose(picker(option), option.dataset.pick, option.dataset.pickLabel, "");
      return;
    }
    var clear = target.closest("[data-picker-clear]");
    if (clear && picker(clear)) {
      choose(picker(clear), "", "", clear.dataset.emptyLabel || "");
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || !target.matches("[data-picker-search]")) return;
    var box = picker(target);
    var options = box.querySelectorAll("[data-pick]");
    if (event.key === "Enter") {
      // Enter picks the first suggestion instead of submitting the form half-filled.
      event.preventDefault();
      if (options.length) options[0].click();
    } else if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[0].focus();
    } else if (event.key === "Escape") {
      box.querySelector("[data-picker-options]").replaceChildren();
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || !target.matches("[data-pick]")) return;
    var items = Array.prototype.slice.call(picker(target).querySelectorAll("[data-pick]"));
    var index = items.indexOf(target);
    if (event.key === "ArrowDown" && index < items.length - 1) {
      event.preventDefault();
      items[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index > 0) items[index - 1].focus();
      else picker(target).querySelector("[data-picker-search]").focus();
    }
  });
})();
