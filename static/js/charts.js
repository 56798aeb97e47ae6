// The dashboard's charts, drawn with Apache ECharts from the table each one stands beside: the
// table is the data (and what a screen reader or a printout reads), the chart only shows it.
// No inline script, no eval: the page keeps its content security policy.
(function () {
  if (!window.echarts) { return; }
  var PALETTE = ["#1d4ed8", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6"];

  function readTable(table, columns) {
    var names = [];
    var headers = table.tHead.rows[0].cells;
    var series = columns.map(function (c) { return {name: headers[c].textContent.trim(), values: []}; });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      names.push(row.cells[0].textContent.trim());
      columns.forEach(function (c, i) {
        var raw = row.cells[c].getAttribute("data-value");
        series[i].values.push(raw === null || raw === "" ? 0 : Number(raw));
      });
    });
    return {names: names, series: series};
  }

  function hasData(data) {
    return data.series.some(function (s) { return s.values.some(function (v) { return v > 0; }); });
  }

  function option(kind, data, narrow) {
    var line = kind === "line";
    var axes = data.series.map(function (s, i) {
      return {type: "value", name: s.name, position: i ? "right" : "left", minInterval: 1,
              splitLine: {show: i === 0}, nameTextStyle: {fontSize: 11}};
    });
    var category = {type: "category", data: data.names, axisLabel: {interval: narrow ? "auto" : 0,
                    rotate: !line && data.names.length > 4 ? 30 : 0}};
    return {
      color: PALETTE,
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {show: data.series.length > 1, top: 0},
      grid: {left: 8, right: 8, top: data.series.length > 1 ? 48 : 24, bottom: 8, containLabel: true},
      xAxis: category,
      yAxis: line ? axes : axes[0],
      series: data.series.map(function (s, i) {
        return {type: line ? "line" : "bar", name: s.name, data: s.values, yAxisIndex: line ? i : 0,
                smooth: false, showSymbol: true, barMaxWidth: 36};
      })
    };
  }

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart]"), function (figure) {
    var box = figure.querySelector(".chart-box");
    var table = document.getElementById(figure.getAttribute("data-table"));
    var columns = figure.getAttribute("data-columns").split(",").map(Number);
    var data = table ? readTable(table, columns) : null;
    if (!data || !hasData(data)) {
      box.classList.add("chart-empty");
      box.textContent = figure.getAttribute("data-empty");
      figure.setAttribute("data-drawn", "empty");
      return;
    }
    var chart = window.echarts.init(box, null, {renderer: "canvas"});
    chart.setOption(option(figure.getAttribute("data-chart"), data, box.clientWidth < 480));
    figure.setAttribute("data-drawn", "chart");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
