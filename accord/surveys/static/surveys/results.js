// Survey results charts (Apache ECharts). Data comes from the json_script element named by
// the container's data-source; the tables next to each chart carry the same numbers.
(function () {
  "use strict";

  var SERIES_COLOURS = ["#3b48c4", "#1d7a46", "#b45309", "#7a3cc4", "#0369a1", "#b4232c",
    "#4d7c0f", "#be185d", "#0f766e", "#92400e", "#4338ca"];

  function barsOption(data, colors) {
    return {
      grid: { left: 200, right: 32, top: 16, bottom: 32 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: data.min, max: data.max, axisLabel: { color: colors.muted },
        splitLine: { lineStyle: { color: colors.border } } },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { color: colors.text } },
      series: [{ type: "bar", data: data.values, itemStyle: { color: colors.brand }, barMaxWidth: 22,
        label: { show: true, position: "right", color: colors.text, formatter: function (p) { return p.value.toFixed(2); } } }]
    };
  }

  function trendOption(data, colors) {
    return {
      grid: { left: 48, right: 24, top: 48, bottom: 32 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll", textStyle: { color: colors.muted } },
      xAxis: { type: "time", axisLabel: { color: colors.muted }, axisLine: { lineStyle: { color: colors.border } } },
      yAxis: { type: "value", scale: data.min === null, min: data.min === null ? undefined : data.min,
        max: data.max === null ? undefined : data.max,
        axisLabel: { color: colors.muted }, splitLine: { lineStyle: { color: colors.border } } },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.points, connectNulls: false, symbol: "circle", symbolSize: 7,
          lineStyle: { width: 2 }, color: SERIES_COLOURS[i % SERIES_COLOURS.length] };
      })
    };
  }

  // Agree scales read from red (disagree) through grey to blue (agree): ColorBrewer RdBu.
  var DIVERGING = {
    2: ["#d6604d", "#4393c3"],
    3: ["#d6604d", "#bababa", "#4393c3"],
    4: ["#ca0020", "#f4a582", "#92c5de", "#0571b0"],
    5: ["#ca0020", "#f4a582", "#bababa", "#92c5de", "#0571b0"],
    6: ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"],
    7: ["#b2182b", "#ef8a62", "#fddbc7", "#bababa", "#d1e5f0", "#67a9cf", "#2166ac"]
  };
  var SEQUENTIAL = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"];

  function optionColours(count) {
    if (DIVERGING[count]) { return DIVERGING[count]; }
    var found = [];
    for (var i = 0; i < count; i++) {
      found.push(SEQUENTIAL[Math.round(i * (SEQUENTIAL.length - 1) / Math.max(1, count - 1))]);
    }
    return found;
  }

  function stackedOption(data, colors) {
    var health = ["#1d7a46", "#d4a017", "#b4232c"];
    var scale = optionColours(data.options.length);
    return {
      grid: { left: 220, right: 24, top: 40, bottom: 32 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0, type: "scroll", textStyle: { color: colors.muted } },
      xAxis: { type: "value", max: 100, axisLabel: { color: colors.muted, formatter: "{value}%" },
        splitLine: { lineStyle: { color: colors.border } } },
      yAxis: { type: "category", data: data.items, inverse: true,
        axisLabel: { color: colors.text, width: 200, overflow: "truncate" } },
      series: data.options.map(function (label, i) {
        return { name: label, type: "bar", stack: "share", data: data.shares[i], barMaxWidth: 22,
          itemStyle: { color: data.health ? health[i % 3] : scale[i] } };
      })
    };
  }

  var BUILDERS = { bars: barsOption, trend: trendOption, stacked: stackedOption };

  window.AccordCharts.mount("data-results-chart", function (data, colors) {
    var build = BUILDERS[data.kind];
    return build ? build(data, colors) : null;
  });
})();
