// Voice share against headcount share per group (Apache ECharts). Data comes from the
// json_script element named by the container's data-source; the table under each chart
// carries the same numbers.
(function () {
  "use strict";

  function option(rows) {
    var muted = window.AccordCharts.css("--text-muted", "#6b7280");
    var border = window.AccordCharts.css("--border", "#e5e7eb");
    return {
      grid: { left: 140, right: 24, top: 32, bottom: 24 },
      legend: { top: 0, textStyle: { color: muted } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
      xAxis: { type: "value", max: 100, axisLabel: { color: muted, formatter: "{value}%" }, splitLine: { lineStyle: { color: border } } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }), axisLabel: { color: muted } },
      series: [
        { name: "Share of people", type: "bar", data: rows.map(function (r) { return r.headcount; }), itemStyle: { color: window.AccordCharts.css("--border-strong", "#cbd5e1") } },
        { name: "Share of voice", type: "bar", data: rows.map(function (r) {
          return { value: r.voice, itemStyle: { color: r.flagged ? window.AccordCharts.css("--danger", "#dc2626") : window.AccordCharts.css("--brand", "#4f46e5") } };
        }) }
      ]
    };
  }

  window.AccordCharts.mount("data-equity-chart", function (rows, colors, box) {
    box.style.height = Math.max(160, 56 + rows.length * 44) + "px";
    return option(rows);
  });
})();
