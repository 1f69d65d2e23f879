// Accord page behaviour: small progressive enhancements; every page works without it.
(function () {
  "use strict";

  // Theme: follow the system unless the user picked one.
  var stored = null;
  try { stored = localStorage.getItem("accord-theme"); } catch (e) { stored = null; }
  if (stored === "light" || stored === "dark") {
    document.documentElement.setAttribute("data-theme", stored);
  }

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function bindToasts(root) {
    root.querySelectorAll(".toast").forEach(function (toast) {
      if (toast.dataset.bound) { return; }
      toast.dataset.bound = "1";
      var close = toast.querySelector("button");
      if (close) { close.addEventListener("click", function () { toast.remove(); }); }
      if (!toast.classList.contains("error")) {
        setTimeout(function () { toast.remove(); }, 6000);
      }
    });
  }

  // Confirm dialog: any form with data-confirm asks first, in an accessible <dialog>.
  function bindConfirms(root) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.bound) { return; }
      form.dataset.bound = "1";
      form.addEventListener("submit", function (event) {
        if (form.dataset.confirmed === "1") { return; }
        event.preventDefault();
        dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
        var ok = dialog.querySelector("[data-confirm-ok]");
        ok.textContent = form.dataset.confirmLabel || "Confirm";
        dialog.returnValue = "";
        dialog.showModal();
        dialog.addEventListener("close", function handler() {
          dialog.removeEventListener("close", handler);
          if (dialog.returnValue === "ok") {
            form.dataset.confirmed = "1";
            if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
          }
        });
      });
    });
  }

  function bindThemeToggle() {
    var toggle = document.getElementById("theme-toggle");
    if (!toggle) { return; }
    toggle.addEventListener("click", function () {
      var current = document.documentElement.getAttribute("data-theme");
      if (!current) {
        current = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
      }
      var next = current === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try { localStorage.setItem("accord-theme", next); } catch (e) { /* private mode */ }
    });
  }

  // Import wizard: large files take a while to upload and check, so say so while they do.
  function bindUploads(root) {
    root.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
      if (form.dataset.bound) { return; }
      form.dataset.bound = "1";
      form.addEventListener("submit", function () {
        var box = form.querySelector("[data-upload-status]");
        var input = form.querySelector("input[type=file]");
        if (!box || !input || !input.files.length) { return; }
        var megabytes = (input.files[0].size / 1048576).toFixed(1);
        box.hidden = false;
        box.querySelector("span").textContent =
          "Uploading " + input.files[0].name + " (" + megabytes + " MB) and checking every row…";
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      });
    });
  }

  function bindAll(root) {
    bindToasts(root);
    bindConfirms(root);
    bindUploads(root);
  }

  onReady(function () {
    bindAll(document);
    bindThemeToggle();
    document.body.addEventListener("htmx:afterSwap", function (event) { bindAll(event.target); });
  });
})();
