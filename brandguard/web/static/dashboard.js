/* brandguard dashboard: charts from the page's JSON data block, and the live incident list.
 * Every string from the server is put into the page with textContent, never innerHTML:
 * crawled text is untrusted. No inline script anywhere (the CSP forbids it). */
(function () {
  "use strict";
  var dataNode = document.getElementById("bg-data");
  var data = dataNode ? JSON.parse(dataNode.textContent || "{}") : {};
  var charts = [];

  function chartIn(id, hasData) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    if (!hasData || typeof echarts === "undefined") {
      node.classList.add("empty");
      node.textContent = node.getAttribute("data-empty") || "暂无数据";
      return null;
    }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function day(iso) { return iso.slice(5, 10); }
  function hour(iso) { return iso.slice(5, 16).replace("T", " "); }

  /* a chart of nothing but zeros says so instead of drawing an empty frame */
  var trend = chartIn("trend-chart", data.series && data.series.some(function (p) { return p.total; }));
  if (trend) {
    var s = data.series;
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: ["正面", "中性", "负面", "情感指数"], top: 0 },
      grid: { left: 40, right: 40, top: 50, bottom: 30 },
      xAxis: { type: "category", data: s.map(function (p) { return day(p.bucket); }) },
      yAxis: [{ type: "value", name: "声量", minInterval: 1 },  /* counts: whole ticks */
              { type: "value", name: "指数", min: -1, max: 1 }],
      series: [
        { name: "正面", type: "bar", stack: "v", color: "#3ba272", data: s.map(function (p) { return p.positive; }) },
        { name: "中性", type: "bar", stack: "v", color: "#91a7c0", data: s.map(function (p) { return p.neutral; }) },
        { name: "负面", type: "bar", stack: "v", color: "#d94e4e", data: s.map(function (p) { return p.negative; }) },
        { name: "情感指数", type: "line", yAxisIndex: 1, color: "#5470c6", connectNulls: false,  /* no line across days without data */
          data: s.map(function (p) { return p.sentiment_index; }) }
      ]
    });
  }

  var categories = chartIn("category-chart", data.categories && data.categories.length);
  if (categories) {
    categories.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories,
                 label: { formatter: "{b}\n{c}" } }]
    });
  }

  var signal = chartIn("signal-chart", data.signal && data.signal.length);
  if (signal) {
    signal.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.signal.map(function (p) { return hour(p.bucket); }) },
      yAxis: { type: "value", name: "报道", minInterval: 1 },
      series: [{ type: "bar", color: "#d94e4e", data: data.signal.map(function (p) { return p.count; }) }]
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });

  /* The live list of open incidents on the overview, refreshed from the API. */
  var table = document.getElementById("open-incidents");
  var STATUS = { open: "待处理", acknowledged: "处理中", resolved: "已解决" };  /* labels.py */
  var brandNames = {};

  function cell(row, text) {
    var td = document.createElement("td");
    if (text instanceof Node) { td.appendChild(text); } else { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  function progress(steps) {
    if (!steps.length) { return "—"; }
    var done = steps.filter(function (s) { return s.done_at; }).length;
    var late = steps.filter(function (s) { return !s.done_at && s.overdue; }).length;
    var span = document.createElement("span");
    span.textContent = done + "/" + steps.length;
    if (late) {
      var warn = document.createElement("span");
      warn.className = "late";
      warn.textContent = " 逾期 " + late;
      span.appendChild(warn);
    }
    return span;
  }

  function render(incidents) {
    var body = table.tBodies[0];
    var rows = incidents.filter(function (i) { return i.status !== "resolved"; }).map(function (i) {
      var tr = document.createElement("tr");
      tr.className = "level-" + i.level;
      var badge = document.createElement("span");
      badge.className = "badge level-" + i.level;
      badge.textContent = i.level_label;
      cell(tr, badge);
      var link = document.createElement("a");
      link.href = "/incidents/" + encodeURIComponent(i.id);
      link.textContent = (brandNames[i.brand] || i.brand) + " · " + i.category_label;
      cell(tr, link);
      cell(tr, STATUS[i.status] || i.status);
      cell(tr, i.opened_at.slice(0, 16).replace("T", " "));
      cell(tr, String(i.evidence.length));
      cell(tr, progress(i.checklist)).className = "progress";  /* as _incident_row.html */
      return tr;
    });
    if (!rows.length) {
      var empty = document.createElement("tr");
      empty.className = "empty";
      cell(empty, "暂无未结事件").colSpan = 6;
      rows.push(empty);
    }
    body.replaceChildren.apply(body, rows);
    var stamp = document.getElementById("live-stamp");
    if (stamp) { stamp.textContent = "更新于 " + new Date().toLocaleTimeString("zh-CN"); }
  }

  function refresh() {
    /* the page's brand and its members only, as the server rendered it */
    var query = (table.dataset.brands || "").split(" ").filter(Boolean)
      .map(function (b) { return "brand=" + encodeURIComponent(b); }).join("&");
    fetch("/api/v1/incidents" + (query ? "?" + query : ""),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(render)
      .catch(function () { /* keep the last list; the next poll retries */ });
  }

  if (table) {
    fetch("/api/v1/brands", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (brands) {
        brands.forEach(function (b) { brandNames[b.id] = b.name; });
        refresh();
        window.setInterval(refresh, 20000);
      });
  }
})();
