// Health history line chart (Apache ECharts). Data comes from the json_script element named
// by the container's data-source; the table under the chart carries the same numbers.
(function () {
  "use strict";

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function option(data) {
    var text = css("--text", "#1f2937");
    var muted = css("--text-muted", "#6b7280");
    var border = css("--border", "#e5e7eb");
    var brand = css("--brand", "#4f46e5");
    return {
      grid: { left: 40, right: 24, top: 24, bottom: 32 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "no score" : Math.round(v); } },
      xAxis: { type: "time", axisLine: { lineStyle: { color: border } }, axisLabel: { color: muted } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { color: muted }, splitLine: { lineStyle: { color: border } } },
      textStyle: { color: text },
      series: [{
        name: "Health score", type: "line", data: data.points, connectNulls: false,
        symbol: "circle", symbolSize: 6, lineStyle: { color: brand, width: 2.5 }, itemStyle: { color: brand },
        markArea: { silent: true, data: [
          [{ yAxis: 0, itemStyle: { color: css("--danger-soft", "#fce7e8"), opacity: 0.5 } }, { yAxis: 50 }],
          [{ yAxis: 50, itemStyle: { color: css("--warn-soft", "#fdf1d6"), opacity: 0.5 } }, { yAxis: 70 }],
          [{ yAxis: 70, itemStyle: { color: css("--ok-soft", "#e3f4ea"), opacity: 0.5 } }, { yAxis: 100 }]
        ] }
      }]
    };
  }

  function render() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-health-chart]").forEach(function (box) {
      var source = document.getElementById(box.dataset.source);
      if (!source) { return; }
      var existing = window.echarts.getInstanceByDom(box);
      if (existing) { existing.dispose(); }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(JSON.parse(source.textContent)));
      box.classList.add("chart-ready");
    });
  }

  function start() {
    render();
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-health-chart]").forEach(function (box) {
        var chart = window.echarts && window.echarts.getInstanceByDom(box);
        if (chart) { chart.resize(); }
      });
    });
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
