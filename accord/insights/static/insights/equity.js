// Voice share against headcount share per group (Apache ECharts). Data comes from the
// json_script element named by the container's data-source; the table under each chart
// carries the same numbers.
(function () {
  "use strict";

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function option(rows) {
    var muted = css("--text-muted", "#6b7280");
    var border = css("--border", "#e5e7eb");
    return {
      grid: { left: 140, right: 24, top: 32, bottom: 24 },
      legend: { top: 0, textStyle: { color: muted } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
      xAxis: { type: "value", max: 100, axisLabel: { color: muted, formatter: "{value}%" }, splitLine: { lineStyle: { color: border } } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }), axisLabel: { color: muted } },
      series: [
        { name: "Share of people", type: "bar", data: rows.map(function (r) { return r.headcount; }), itemStyle: { color: css("--border-strong", "#cbd5e1") } },
        { name: "Share of voice", type: "bar", data: rows.map(function (r) {
          return { value: r.voice, itemStyle: { color: r.flagged ? css("--danger", "#dc2626") : css("--brand", "#4f46e5") } };
        }) }
      ]
    };
  }

  function render() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-equity-chart]").forEach(function (box) {
      var source = document.getElementById(box.dataset.source);
      if (!source) { return; }
      var rows = JSON.parse(source.textContent);
      box.style.height = Math.max(160, 56 + rows.length * 44) + "px";
      var existing = window.echarts.getInstanceByDom(box);
      if (existing) { existing.dispose(); }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(rows));
      box.classList.add("chart-ready");
    });
  }

  function start() {
    render();
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-equity-chart]").forEach(function (box) {
        var chart = window.echarts && window.echarts.getInstanceByDom(box);
        if (chart) { chart.resize(); }
      });
    });
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
