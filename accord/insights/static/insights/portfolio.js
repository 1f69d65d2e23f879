// Portfolio charts (Apache ECharts): the health distribution, the workspace mean trend, a
// function's coordination heatmap and the KPI roll-up. Data comes from the json_script element
// named by the container's data-source; a table next to each chart carries the same numbers.
(function () {
  "use strict";

  function distributionOption(data, colors) {
    return {
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.labels, name: "Health", nameLocation: "middle", nameGap: 28,
        nameTextStyle: { color: colors.muted }, axisLabel: { color: colors.muted } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: colors.muted },
        splitLine: { lineStyle: { color: colors.border } } },
      series: [{ type: "bar", name: "Partnerships", barMaxWidth: 36,
        data: data.values.map(function (value, i) {
          var low = i * 10;
          var colour = low + 10 <= data.threshold ? colors.danger : (low < 70 ? colors.warn : colors.ok);
          return { value: value, itemStyle: { color: colour } };
        }) }]
    };
  }

  function trendOption(data, colors) {
    return {
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v.toFixed(1); } },
      xAxis: { type: "time", axisLabel: { color: colors.muted }, axisLine: { lineStyle: { color: colors.border } } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { color: colors.muted },
        splitLine: { lineStyle: { color: colors.border } } },
      series: [{ type: "line", name: "Mean health", data: data.points, symbol: "circle", symbolSize: 6,
        lineStyle: { color: colors.brand, width: 2.5 }, itemStyle: { color: colors.brand } }]
    };
  }

  function heatmapOption(data, colors) {
    return {
      grid: { left: 160, right: 16, top: 8, bottom: 72 },
      tooltip: { formatter: function (p) {
        return AccordCharts.escape(data.rows[p.value[1]] + " · " + data.columns[p.value[0]]) + ": " + p.value[2].toFixed(2);
      } },
      xAxis: { type: "category", data: data.columns, axisLabel: { color: colors.text, rotate: data.columns.length > 5 ? 30 : 0 } },
      yAxis: { type: "category", data: data.rows, inverse: true, axisLabel: { color: colors.text } },
      visualMap: { min: 1, max: 5, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        text: ["5", "1"], textStyle: { color: colors.muted },
        inRange: { color: ["#f4c3b2", "#f3eee6", "#a2c6ea"] } },
      series: [{ type: "heatmap", data: data.cells,
        label: { show: true, color: "#161b26", formatter: function (p) { return p.value[2].toFixed(2); } } }]
    };
  }

  function kpiOption(data, colors) {
    function bar(name, values, colour) {
      return { name: name, type: "bar", stack: "kpis", data: values, barMaxWidth: 22, itemStyle: { color: colour } };
    }
    return {
      grid: { left: 170, right: 24, top: 36, bottom: 24 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, textStyle: { color: colors.muted } },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: colors.muted },
        splitLine: { lineStyle: { color: colors.border } } },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { color: colors.text } },
      series: [bar("Improved", data.improved, colors.ok), bar("Unchanged", data.unchanged, colors.muted),
        bar("Worsened", data.worsened, colors.danger)]
    };
  }

  var BUILDERS = { distribution: distributionOption, trend: trendOption, heatmap: heatmapOption, kpis: kpiOption };

  window.AccordCharts.mount("data-portfolio-chart", function (data, colors) {
    var build = BUILDERS[data.kind];
    return build ? build(data, colors) : null;
  });
})();
