// Meetings: a fast tally grid for the note-taker. Without this script every + and − is a
// plain form post; with it, clicks count at once, are sent one after another (none is lost
// or reordered), and the participation summary refreshes in place.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function cellOf(form, value) {
    var parts = value.split(":");
    return {
      item: parts[0],
      person: parts[1],
      delta: parseInt(parts[2], 10),
      output: document.getElementById("count-" + parts[0] + "-" + parts[1]),
      minus: document.getElementById("dec-" + parts[0] + "-" + parts[1])
    };
  }

  function recount(form) {
    // Row totals, column totals and the grand total from the visible counts.
    var table = form.querySelector("table");
    var columns = [];
    var grand = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var sum = 0;
      row.querySelectorAll("output.tally-count").forEach(function (output, index) {
        var value = parseInt(output.textContent, 10) || 0;
        sum += value;
        columns[index] = (columns[index] || 0) + value;
      });
      var total = row.querySelector("[data-row-total]");
      if (total) { total.textContent = sum; }
      grand += sum;
    });
    table.querySelectorAll("tfoot [data-item-total]").forEach(function (cell, index) {
      cell.textContent = columns[index] || 0;
    });
    var foot = table.querySelector("tfoot td:last-child strong");
    if (foot) { foot.textContent = grand; }
    var heading = document.querySelector("[data-tally-total]");
    if (heading) { heading.textContent = grand; }
  }

  function setCount(cell, value) {
    cell.output.textContent = value;
    if (cell.minus) { cell.minus.disabled = value <= 0; }
  }

  function bindTally(form) {
    if (form.dataset.bound) { return; }
    form.dataset.bound = "1";
    var status = document.querySelector("[data-tally-status]");
    var errorBox = document.querySelector("[data-tally-error]");
    var queue = Promise.resolve();
    var pending = {};

    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.name !== "tally" || !window.fetch) { return; }
      event.preventDefault();
      var cell = cellOf(form, button.value);
      if (!cell.output) { return; }
      var key = cell.item + ":" + cell.person;
      var shown = Math.max(0, (parseInt(cell.output.textContent, 10) || 0) + cell.delta);
      setCount(cell, shown);
      cell.output.classList.add("pending");
      pending[key] = (pending[key] || 0) + 1;
      recount(form);
      if (status) { status.textContent = button.getAttribute("aria-label").replace(/^One (more|less) for /, "") + ": " + shown; }

      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      body.append("tally", button.value);
      queue = queue.then(function () {
        return fetch(form.action, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-Accord-Tally": "1", "X-CSRFToken": csrfToken(form) }
        }).then(function (response) {
          return response.text().then(function (text) {
            if (!response.ok) {
              throw new Error(response.status === 422 ? text : "That click was not saved; reload the page.");
            }
            return { count: parseInt(response.headers.get("X-Tally-Count"), 10) || 0, text: text };
          });
        }).then(function (result) {
          pending[key] -= 1;
          if (pending[key] === 0) {
            // The server's count is the truth once no other click on this cell is in flight.
            setCount(cell, result.count);
            cell.output.classList.remove("pending");
            recount(form);
          }
          var fresh = new DOMParser().parseFromString(result.text, "text/html").getElementById("participation");
          var current = document.getElementById("participation");
          if (fresh && current) { current.replaceWith(document.importNode(fresh, true)); }
          if (errorBox) { errorBox.hidden = true; errorBox.textContent = ""; }
        }, function (error) {
          pending[key] -= 1;
          setCount(cell, Math.max(0, (parseInt(cell.output.textContent, 10) || 0) - cell.delta));
          if (pending[key] === 0) { cell.output.classList.remove("pending"); }
          recount(form);
          if (errorBox) { errorBox.textContent = error.message; errorBox.hidden = false; }
        });
      });
    });
  }

  function bindSelectOnFocus(root) {
    root.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  onReady(function () {
    document.querySelectorAll("form[data-tally-form]").forEach(bindTally);
    bindSelectOnFocus(document);
  });
})();
