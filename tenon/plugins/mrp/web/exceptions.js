// mrp: production exception response KPIs with their weekly trend, and the open exceptions
// (a console page, see tenon_web_pages in ../plugin.py).
import { html, render, useQuery, useParams, Filters, Figures, ChartView, Kpi, Panel, Loading, t, fmt, today, addDays } from "/console/static/kit.js";

export const messages = {
  en: {
    "exc.count": "Exceptions", "exc.responded": "Responded", "exc.avg": "Average response (min)", "exc.p90": "p90 (min)",
    "exc.pastSla": "Open past SLA", "exc.trend": "Average response time by week (minutes)", "exc.week": "Week from",
    "exc.byType": "By type and work center", "exc.type": "Type", "exc.wc": "Work center", "exc.open": "Open exceptions",
    "exc.reported": "Reported", "exc.state": "State", "exc.description": "Description", "exc.due": "Response due",
    "kind.MACHINE_DOWN": "Machine down", "kind.MATERIAL_SHORTAGE": "Material shortage", "kind.QUALITY": "Quality", "kind.OTHER": "Other",
  },
  "zh-CN": {
    "exc.count": "异常数", "exc.responded": "已响应", "exc.avg": "平均响应（分钟）", "exc.p90": "P90（分钟）",
    "exc.pastSla": "超时未响应", "exc.trend": "平均响应时间周趋势（分钟）", "exc.week": "周起始",
    "exc.byType": "按类型和工作中心", "exc.type": "类型", "exc.wc": "工作中心", "exc.open": "未关闭异常",
    "exc.reported": "报告时间", "exc.state": "状态", "exc.description": "描述", "exc.due": "响应期限",
    "kind.MACHINE_DOWN": "设备故障", "kind.MATERIAL_SHORTAGE": "缺料", "kind.QUALITY": "质量", "kind.OTHER": "其他",
  },
};

const FIELDS = "type workCenterId count responded averageMinutes p90Minutes openPastSla";

export function exceptionsQuery(from, to) {
  const w = [];
  for (let d = from; d <= to && w.length < 26; d = addDays(d, 7)) w.push(`w${w.length}: exceptionResponseTime(from: "${d}", to: "${addDays(d, 6) < to ? addDays(d, 6) : to}") { ${FIELDS} }`);
  return `{ workCenters(first: 100) { nodes { id code } }
    total: exceptionResponseTime(from: "${from}", to: "${to}") { ${FIELDS} }
    productionExceptions(openOnly: true, first: 50) { nodes { id type state description workCenterId reportedAt dueAt } }
    ${w.join("\n")} }`;
}

/** Responded-weighted average of the rows' averages. */
export function weighted(rows) {
  const n = rows.reduce((a, r) => a + (r.averageMinutes == null ? 0 : r.responded), 0);
  return n ? rows.reduce((a, r) => a + (r.averageMinutes == null ? 0 : r.averageMinutes * r.responded), 0) / n : null;
}

function Page() {
  const [p, set] = useParams({ from: addDays(today(), -27), to: today(), wc: "" });
  const q = useQuery(exceptionsQuery(p.from, p.to));
  if (!q.data) return html`<${Filters} value=${p} onChange=${set}/><${Loading} error=${q.error}/>`;
  const d = q.data;
  const code = Object.fromEntries(d.workCenters.nodes.map((w) => [w.id, w.code]));
  const keep = (r) => !p.wc || code[r.workCenterId] === p.wc;
  const total = d.total.filter(keep);
  const trend = Object.keys(d).filter((k) => /^w\d+$/.test(k)).sort((a, b) => +a.slice(1) - +b.slice(1))
    .map((k, i) => { const rs = d[k].filter(keep); return { _key: addDays(p.from, 7 * i), week: addDays(p.from, 7 * i), count: rs.reduce((a, r) => a + r.count, 0), avg: weighted(rs) }; });
  const options = d.workCenters.nodes.map((w) => ({ value: w.code, label: w.code }));
  const open = d.productionExceptions.nodes.filter(keep).map((r) => ({ ...r, _key: r.id, wc: code[r.workCenterId] }));
  return html`<${Filters} value=${p} onChange=${set} selects=${[{ name: "wc", label: t("exc.wc"), options }]}/>
    <div class="kpis">
      <${Kpi} testid="kpi-exc-count" label=${t("exc.count")} value=${total.reduce((a, r) => a + r.count, 0)}/>
      <${Kpi} testid="kpi-exc-avg" label=${t("exc.avg")} value=${fmt(weighted(total))}/>
      <${Kpi} testid="kpi-exc-sla" tone=${total.some((r) => r.openPastSla) ? "late" : "ok"} label=${t("exc.pastSla")} value=${total.reduce((a, r) => a + r.openPastSla, 0)}/>
    </div>
    <div class="grid">
      <${Panel} title=${t("exc.trend")} testid="panel-exc-trend">
        <${ChartView} testid="chart-exc" type="line" data=${{ labels: trend.map((r) => r.week), datasets: [{ label: t("exc.avg"), data: trend.map((r) => r.avg), borderColor: "#d68910", spanGaps: true }] }}/>
        <${Figures} testid="exc-trend" rows=${trend} columns=${[{ key: "week", label: t("exc.week") }, { key: "count", label: t("exc.count") }, { key: "avg", label: t("exc.avg"), format: (v) => fmt(v) }]}/>
      <//>
      <${Panel} title=${t("exc.byType")} testid="panel-exc-types">
        <${Figures} testid="exc-types" rows=${total.map((r) => ({ ...r, _key: r.type + "|" + code[r.workCenterId], wc: code[r.workCenterId] }))} columns=${[
          { key: "type", label: t("exc.type"), format: (v) => t("kind." + v) }, { key: "wc", label: t("exc.wc") }, { key: "count", label: t("exc.count") },
          { key: "responded", label: t("exc.responded") }, { key: "averageMinutes", label: t("exc.avg"), format: (v) => fmt(v) },
          { key: "p90Minutes", label: t("exc.p90"), format: (v) => fmt(v) }, { key: "openPastSla", label: t("exc.pastSla") }]}/>
      <//>
      <${Panel} wide title=${t("exc.open")} testid="panel-exc-open">
        <${Figures} testid="exc-open" rows=${open} columns=${[{ key: "type", label: t("exc.type"), format: (v) => t("kind." + v) }, { key: "wc", label: t("exc.wc") },
          { key: "state", label: t("exc.state") }, { key: "description", label: t("exc.description") },
          { key: "reportedAt", label: t("exc.reported"), format: (v) => (v || "").slice(0, 16).replace("T", " ") },
          { key: "dueAt", label: t("exc.due"), format: (v) => (v || "").slice(0, 16).replace("T", " ") }]}/>
      <//>
    </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
