// Goal and KPI charts (Apache ECharts). Data comes from a json_script element named by the
// container's data-source; the page's tables carry the same numbers for readers without JS.
(function () {
  "use strict";

  function axes(colors, unit) {
    return {
      xAxis: {
        type: "time",
        axisLine: { lineStyle: { color: colors.border } },
        axisLabel: { color: colors.muted }
      },
      yAxis: {
        type: "value",
        scale: true,
        name: unit || "",
        nameTextStyle: { color: colors.muted },
        axisLabel: { color: colors.muted },
        splitLine: { lineStyle: { color: colors.border } }
      }
    };
  }

  function goalOption(data, colors) {
    var series = [];
    var markLines = [];
    if (data.target !== null && data.target !== undefined) {
      markLines.push({ yAxis: data.target, name: "Target", lineStyle: { color: colors.ok, type: "solid", width: 2 },
        label: { formatter: "Target {c}", color: colors.ok, position: "insideEndTop" } });
    }
    var markArea = null;
    if (data.band) {
      markArea = { silent: true, itemStyle: { color: colors.ok, opacity: 0.12 },
        data: [[{ yAxis: data.band[0], name: "Acceptable range" }, { yAxis: data.band[1] }]] };
    }
    series.push({
      name: "Actual", type: "line", data: data.actuals, symbol: "circle", symbolSize: 7,
      lineStyle: { color: colors.brand, width: 2.5 }, itemStyle: { color: colors.brand },
      markLine: markLines.length ? { symbol: "none", silent: true, data: markLines } : undefined,
      markArea: markArea || undefined, z: 5
    });
    if (data.expected && data.expected.length) {
      series.push({ name: "Expected pace", type: "line", data: data.expected, symbol: "none",
        lineStyle: { color: colors.muted, type: "dashed", width: 1.5 }, itemStyle: { color: colors.muted } });
    }
    if (data.forecast) {
      var f = data.forecast;
      series.push({ name: "Forecast", type: "line", data: [f.from, f.to], symbol: "none",
        lineStyle: { color: colors.info, type: "dotted", width: 2 }, itemStyle: { color: colors.info } });
      if (f.low !== null && f.high !== null) {
        var level = Math.round((f.level || 0.8) * 100);
        series.push({ name: "Forecast low", type: "line", stack: "band", symbol: "none",
          data: [[f.from[0], f.from[1]], [f.to[0], f.low]], lineStyle: { opacity: 0 }, tooltip: { show: false } });
        series.push({ name: level + "% forecast band", type: "line", stack: "band", symbol: "none",
          data: [[f.from[0], 0], [f.to[0], f.high - f.low]], lineStyle: { opacity: 0 },
          areaStyle: { color: colors.info, opacity: 0.15 }, itemStyle: { color: colors.info }, tooltip: { show: false } });
      }
    }
    var option = axes(colors, data.unit);
    option.grid = { left: 48, right: 24, top: 40, bottom: 32 };
    option.tooltip = { trigger: "axis" };
    option.legend = { top: 0, textStyle: { color: colors.muted },
      data: series.map(function (s) { return s.name; }).filter(function (n) { return n !== "Forecast low"; }) };
    option.series = series;
    return option;
  }

  function kpiOption(data, colors) {
    var lines = [];
    if (data.centre !== null && data.centre !== undefined) {
      lines.push({ yAxis: data.centre, name: "Centre", lineStyle: { color: colors.muted, type: "solid" }, label: { formatter: "Centre", color: colors.muted } });
    }
    if (data.upper !== null && data.upper !== undefined) {
      lines.push({ yAxis: data.upper, name: "+3σ", lineStyle: { color: colors.danger, type: "dashed" }, label: { formatter: "+3σ", color: colors.danger } });
    }
    if (data.lower !== null && data.lower !== undefined) {
      lines.push({ yAxis: data.lower, name: "−3σ", lineStyle: { color: colors.danger, type: "dashed" }, label: { formatter: "−3σ", color: colors.danger } });
    }
    if (data.target !== null && data.target !== undefined && !data.band) {
      lines.push({ yAxis: data.target, name: "Target", lineStyle: { color: colors.ok, width: 2 }, label: { formatter: "Target {c}", color: colors.ok, position: "insideEndTop" } });
    }
    var series = [{
      name: "Measured", type: "line", data: data.points, symbol: "circle", symbolSize: 6,
      lineStyle: { color: colors.brand, width: 2 }, itemStyle: { color: colors.brand },
      markLine: lines.length ? { symbol: "none", silent: true, data: lines } : undefined,
      markArea: data.band ? { silent: true, itemStyle: { color: colors.ok, opacity: 0.12 },
        data: [[{ yAxis: data.band[0], name: "Target band" }, { yAxis: data.band[1] }]] } : undefined
    }];
    if (data.anomalies && data.anomalies.length) {
      series.push({ name: "Unusual", type: "scatter", symbol: "diamond", symbolSize: 14,
        itemStyle: { color: colors.danger }, z: 10,
        data: data.anomalies.map(function (a) { return { value: a.at, text: a.text }; }),
        tooltip: { formatter: function (p) { return AccordCharts.escape(p.data.text); } } });
    }
    var option = axes(colors, data.unit);
    option.grid = { left: 48, right: 48, top: 40, bottom: 32 };
    option.tooltip = { trigger: "item" };
    option.legend = { top: 0, textStyle: { color: colors.muted } };
    option.series = series;
    return option;
  }

  window.AccordCharts.mount("data-chart", function (data, colors, box) {
    return box.dataset.chart === "kpi" ? kpiOption(data, colors) : goalOption(data, colors);
  });
})();
