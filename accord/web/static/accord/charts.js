// Shared plumbing for every chart (Apache ECharts): colours from the page's CSS variables,
// drawing each container from the json_script element its data-source names (or its
// data-json), redrawing on resize and after htmx swaps. An area's script only says how its
// data becomes a chart: AccordCharts.mount("data-…-chart", build), where
// build(data, colors, box) returns the ECharts option (or null to leave the box empty).
// The tables next to each chart carry the same numbers for readers without JavaScript.
(function () {
  "use strict";

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function palette() {
    return {
      text: css("--text", "#161b26"),
      muted: css("--text-muted", "#525c6e"),
      border: css("--border", "#dfe3ea"),
      brand: css("--brand", "#3b48c4"),
      ok: css("--ok", "#1d7a46"),
      warn: css("--warn", "#8a5a00"),
      danger: css("--danger", "#b4232c"),
      info: css("--info", "#185e9a")
    };
  }

  // ECharts puts a tooltip formatter's string into the page as HTML: every name users typed
  // (functions, partnerships, anomaly notes) goes through this first.
  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[ch];
    });
  }

  function mount(attribute, build) {
    var selector = "[" + attribute + "]";

    function render(root) {
      if (typeof window.echarts === "undefined") { return; }
      var colors = palette();
      root.querySelectorAll(selector).forEach(function (box) {
        var source = box.dataset.source && document.getElementById(box.dataset.source);
        var text = box.dataset.json || (source && source.textContent);
        if (!text) { return; }
        var option = build(JSON.parse(text), colors, box);
        if (!option) { return; }
        var existing = window.echarts.getInstanceByDom(box);
        if (existing) { existing.dispose(); }
        var chart = window.echarts.init(box, null, { renderer: "svg" });
        chart.setOption(option);
        box.classList.add("chart-ready");
      });
    }

    function start() {
      render(document);
      window.addEventListener("resize", function () {
        document.querySelectorAll(selector).forEach(function (box) {
          var chart = window.echarts && window.echarts.getInstanceByDom(box);
          if (chart) { chart.resize(); }
        });
      });
      // A swap (a check-in, a filter) may bring a new chart in: draw it.
      document.body.addEventListener("htmx:afterSettle", function () { render(document); });
    }

    if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
  }

  window.AccordCharts = { css: css, palette: palette, mount: mount, escape: escape };
})();
