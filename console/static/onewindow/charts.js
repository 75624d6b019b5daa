// Charts (the centre dashboard, the login statistics): draw each chart whose ECharts option
// the server wrote into the page (data-chart), with the Apache ECharts build in the package.
import * as echarts from "./vendor/echarts/echarts.esm.min.js";

const charts = [];
for (const element of document.querySelectorAll("[data-chart]")) {
  const chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption(JSON.parse(element.dataset.chart));
  charts.push(chart);
}
window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
