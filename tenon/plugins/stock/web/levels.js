// stock: raw-material stock levels against reorder points (the "water level" chart) and the
// inventory accuracy KPI with its weekly trend (a console page, see tenon_web_pages in ../plugin.py).
import { html, render, useQuery, useParams, Filters, Figures, ChartView, Kpi, Panel, Loading, t, fmt, today, addDays } from "/console/static/kit.js";

export const messages = {
  en: {
    "stock.water": "Water level: on hand as % of the reorder point (lowest first)", "stock.product": "Material", "stock.onHand": "On hand",
    "stock.reorder": "Reorder point", "stock.cover": "Level %", "stock.below": "Below reorder point", "stock.materials": "Raw materials",
    "stock.accuracy": "Inventory accuracy", "stock.accTrend": "Inventory accuracy by week (%)", "stock.week": "Week from",
    "stock.counted": "Counted lines", "stock.accurate": "Accurate lines", "stock.unit": "Unit", "stock.kind": "Kind",
    "stock.kind.raw_material": "Raw material", "stock.kind.semi_finished": "Semi-finished", "stock.kind.finished": "Finished", "stock.kind.consumable": "Consumable",
  },
  "zh-CN": {
    "stock.water": "水位图：现有量占再订货点的百分比（最低在前）", "stock.product": "物料", "stock.onHand": "现有量",
    "stock.reorder": "再订货点", "stock.cover": "水位 %", "stock.below": "低于再订货点", "stock.materials": "原材料品种",
    "stock.accuracy": "库存准确率", "stock.accTrend": "库存准确率周趋势（%）", "stock.week": "周起始",
    "stock.counted": "盘点行数", "stock.accurate": "准确行数", "stock.unit": "单位", "stock.kind": "类别",
    "stock.kind.raw_material": "原材料", "stock.kind.semi_finished": "半成品", "stock.kind.finished": "成品", "stock.kind.consumable": "耗材",
  },
};

const MAX_WEEKS = 26;
const WATER_MAX = 300; // the chart's ceiling: a level above 300 % of the reorder point is drawn at 300 %

export function levelsQuery(from, to) {
  const w = [];
  for (let d = from; d <= to && w.length < MAX_WEEKS; d = addDays(d, 7)) {
    const end = addDays(d, 7) <= addDays(to, 1) ? addDays(d, 7) : addDays(to, 1);
    w.push(`a${w.length}: inventoryAccuracy(from: "${d}T00:00:00Z", to: "${end}T00:00:00Z") { countedLines accurateLines accuracyPercent }`);
  }
  return `query Levels($kind: String) {
    products(filter: {kind: $kind, active: true}, first: 100) { totalCount nodes { id code name unit onHand reorderPoint } }
    accuracy: inventoryAccuracy(from: "${from}T00:00:00Z", to: "${addDays(to, 1)}T00:00:00Z") { countedLines accurateLines accuracyPercent }
    ${w.join("\n")}
  }`;
}

function Page() {
  const [p, set] = useParams({ from: addDays(today(), -55), to: today(), kind: "raw_material" });
  const q = useQuery(levelsQuery(p.from, p.to), { kind: p.kind || null });
  const kinds = ["raw_material", "semi_finished", "finished", "consumable"].map((k) => ({ value: k, label: t("stock.kind." + k) }));
  const filters = html`<${Filters} value=${p} onChange=${set} selects=${[{ name: "kind", label: t("stock.kind"), options: kinds }]}/>`;
  if (!q.data) return html`${filters}<${Loading} error=${q.error}/>`;
  const d = q.data;
  const rows = d.products.nodes.map((n) => {
    const on = Number(n.onHand), rp = Number(n.reorderPoint);
    return { ...n, _key: n.code, level: rp > 0 ? (on / rp) * 100 : null, _class: rp > 0 && on < rp ? "late" : "" };
  }).sort((a, b) => (a.level ?? 1e9) - (b.level ?? 1e9));
  const below = rows.filter((r) => r._class).length;
  const trend = Object.keys(d).filter((k) => /^a\d+$/.test(k)).sort((a, b) => +a.slice(1) - +b.slice(1))
    .map((k, i) => ({ _key: addDays(p.from, 7 * i), week: addDays(p.from, 7 * i), counted: d[k].countedLines, accurate: d[k].accurateLines, pct: d[k].accuracyPercent }));
  return html`${filters}
    <div class="kpis">
      <${Kpi} testid="kpi-materials" label=${t("stock.materials")} value=${d.products.totalCount}/>
      <${Kpi} testid="kpi-below" tone=${below ? "late" : "ok"} label=${t("stock.below")} value=${below}/>
      <${Kpi} testid="kpi-accuracy" label=${t("stock.accuracy")} value=${d.accuracy.accuracyPercent == null ? "–" : fmt(d.accuracy.accuracyPercent) + " %"}
        hint=${t("stock.accurate") + " " + d.accuracy.accurateLines + " / " + d.accuracy.countedLines}/>
    </div>
    <div class="grid">
      <${Panel} wide title=${t("stock.water")} testid="panel-water">
        <${ChartView} testid="chart-water" type="bar" height=${300} data=${{ labels: rows.map((r) => r.code), datasets: [
          { type: "line", label: t("stock.reorder") + " (100 %)", data: rows.map(() => 100), borderColor: "#c0392b", borderDash: [6, 4], pointRadius: 0, order: 0 },
          { type: "bar", label: t("stock.cover"), data: rows.map((r) => (r.level === null ? null : Math.min(r.level, WATER_MAX))), backgroundColor: rows.map((r) => (r._class ? "#e59866" : "#5dade2")), order: 1 }] }}
          options=${{ scales: { y: { min: 0, max: WATER_MAX, ticks: { callback: (v) => v + " %" } } } }}/>
        <${Figures} testid="stock-levels" rows=${rows} columns=${[{ key: "code", label: t("stock.product") }, { key: "name", label: "" },
          { key: "onHand", label: t("stock.onHand"), format: (v) => fmt(v, 4) }, { key: "reorderPoint", label: t("stock.reorder"), format: (v) => fmt(v, 4) },
          { key: "unit", label: t("stock.unit") }, { key: "level", label: t("stock.cover"), format: (v) => fmt(v, 0) }]}/>
      <//>
      <${Panel} title=${t("stock.accTrend")} testid="panel-accuracy">
        <${ChartView} testid="chart-accuracy" type="line" data=${{ labels: trend.map((r) => r.week), datasets: [{ label: t("stock.accuracy"), data: trend.map((r) => (r.pct == null ? null : Number(r.pct))), borderColor: "#1e8449", spanGaps: true }] }}
          options=${{ scales: { y: { min: 0, max: 100 } } }}/>
        <${Figures} testid="accuracy-trend" rows=${trend} columns=${[{ key: "week", label: t("stock.week") }, { key: "counted", label: t("stock.counted") },
          { key: "accurate", label: t("stock.accurate") }, { key: "pct", label: "%", format: (v) => fmt(v) }]}/>
      <//>
    </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
