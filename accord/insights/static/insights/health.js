// Health history line chart (Apache ECharts). Data comes from the json_script element named
// by the container's data-source; the table under the chart carries the same numbers.
(function () {
  "use strict";

  function option(data) {
    var text = window.AccordCharts.css("--text", "#1f2937");
    var muted = window.AccordCharts.css("--text-muted", "#6b7280");
    var border = window.AccordCharts.css("--border", "#e5e7eb");
    var brand = window.AccordCharts.css("--brand", "#4f46e5");
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
          [{ yAxis: 0, itemStyle: { color: window.AccordCharts.css("--danger-soft", "#fce7e8"), opacity: 0.5 } }, { yAxis: 50 }],
          [{ yAxis: 50, itemStyle: { color: window.AccordCharts.css("--warn-soft", "#fdf1d6"), opacity: 0.5 } }, { yAxis: 70 }],
          [{ yAxis: 70, itemStyle: { color: window.AccordCharts.css("--ok-soft", "#e3f4ea"), opacity: 0.5 } }, { yAxis: 100 }]
        ] }
      }]
    };
  }

  window.AccordCharts.mount("data-health-chart", function (data) {
    return option(data);
  });
})();
