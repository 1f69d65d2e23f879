// Network page charts (Apache ECharts): the function graph, the function × function density
// heatmap and the trend over windows. Data comes from the json_script element named by the
// container's data-source; a table next to each chart carries the same numbers.
(function () {
  "use strict";

  var COLOURS = ["#3b48c4", "#1d7a46", "#b45309", "#7a3cc4", "#0369a1", "#b4232c",
    "#4d7c0f", "#be185d", "#0f766e", "#92400e", "#4338ca"];

  function graphOption(data, colors) {
    var most = Math.max.apply(null, data.nodes.map(function (n) { return n.people; }).concat([1]));
    var heaviest = Math.max.apply(null, data.edges.map(function (e) { return e.ties; }).concat([1]));
    return {
      tooltip: { formatter: function (p) {
        var esc = AccordCharts.escape;
        if (p.dataType === "edge") { return esc(p.data.source + " – " + p.data.target) + ": " + p.data.value + " ties"; }
        return esc(p.data.name) + ": " + p.data.people + " people, " + p.data.internal + " ties inside";
      } },
      series: [{
        type: "graph", layout: "circular", circular: { rotateLabel: false }, roam: false,
        label: { show: true, position: "right", color: colors.text },
        data: data.nodes.map(function (n, i) {
          return { name: n.name, people: n.people, internal: n.internal_ties,
            symbolSize: 18 + 42 * Math.sqrt(n.people / most), itemStyle: { color: COLOURS[i % COLOURS.length] } };
        }),
        links: data.edges.map(function (e) {
          return { source: e.source, target: e.target, value: e.ties,
            lineStyle: { width: 1 + 9 * e.ties / heaviest, opacity: 0.25 + 0.6 * e.ties / heaviest, color: colors.muted } };
        }),
        emphasis: { focus: "adjacency", lineStyle: { opacity: 0.9 } }
      }]
    };
  }

  function heatmapOption(data, colors) {
    return {
      grid: { left: 140, right: 16, top: 8, bottom: 96 },
      tooltip: { formatter: function (p) {
        return AccordCharts.escape(data.names[p.value[1]] + " · " + data.names[p.value[0]]) + ": " + (100 * p.value[2]).toFixed(1) + "% (" + p.value[3] + " ties)";
      } },
      xAxis: { type: "category", data: data.names, axisLabel: { color: colors.text, rotate: data.names.length > 5 ? 30 : 0 } },
      yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { color: colors.text } },
      visualMap: { min: 0, max: data.max, dimension: 2, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        text: [(100 * data.max).toFixed(0) + "%", "0%"], textStyle: { color: colors.muted },
        inRange: { color: ["#f3f4f8", "#a2c6ea", "#5b8fd0"] } },
      series: [{ type: "heatmap", data: data.cells,
        label: { show: true, color: "#161b26", formatter: function (p) { return (100 * p.value[2]).toFixed(0) + "%"; } } }]
    };
  }

  function trendOption(data, colors) {
    return {
      grid: { left: 48, right: 24, top: 48, bottom: 32 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(2); } },
      legend: { top: 0, type: "scroll", textStyle: { color: colors.muted } },
      xAxis: { type: "time", axisLabel: { color: colors.muted }, axisLine: { lineStyle: { color: colors.border } } },
      yAxis: { type: "value", min: -1, max: 1, axisLabel: { color: colors.muted }, splitLine: { lineStyle: { color: colors.border } } },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.points, connectNulls: false, symbol: "circle", symbolSize: 6,
          lineStyle: { width: 2 }, color: COLOURS[i % COLOURS.length] };
      })
    };
  }

  var BUILDERS = { graph: graphOption, heatmap: heatmapOption, trend: trendOption };

  window.AccordCharts.mount("data-network-chart", function (data, colors) {
    var build = BUILDERS[data.kind];
    return build ? build(data, colors) : null;
  });
})();
