// mrp: work-center capacity utilisation in near real time: planned against reported hours per work
// center and day, kept current by the workCenterLoadChanged subscription (a console page, see
// tenon_web_pages in ../plugin.py).
import { html, render, useState, useEffect, useQuery, useParams, Filters, Figures, ChartView, Kpi, Panel, Loading, subscribe, t, fmt, today, addDays } from "/console/static/kit.js";

export const messages = {
  en: {
    "mrp.wc": "Work center", "mrp.day": "Day", "mrp.available": "Available h", "mrp.planned": "Planned h", "mrp.reported": "Reported h",
    "mrp.load": "Load %", "mrp.util": "Utilisation %", "mrp.byDay": "Planned and reported hours by day", "mrp.byWc": "Utilisation by work center (%)",
    "mrp.table": "Per work center and day", "mrp.live": "live", "mrp.offline": "reconnecting…", "mrp.totalPlanned": "Planned hours",
    "mrp.totalReported": "Reported hours", "mrp.totalUtil": "Utilisation", "mrp.overloaded": "Overloaded days", "mrp.overloadHint": "load over 100 %",
  },
  "zh-CN": {
    "mrp.wc": "工作中心", "mrp.day": "日期", "mrp.available": "可用工时", "mrp.planned": "计划工时", "mrp.reported": "报工工时",
    "mrp.load": "负荷 %", "mrp.util": "利用率 %", "mrp.byDay": "每日计划与报工工时", "mrp.byWc": "各工作中心利用率（%）",
    "mrp.table": "按工作中心和日期", "mrp.live": "实时", "mrp.offline": "重新连接中…", "mrp.totalPlanned": "计划工时",
    "mrp.totalReported": "报工工时", "mrp.totalUtil": "利用率", "mrp.overloaded": "超负荷天数", "mrp.overloadHint": "负荷超过 100%",
  },
};

export const LOAD_FIELDS = "workCenterId workCenterCode day availableHours plannedHours reportedHours loadPercent utilisationPercent";
const sum = (rows, k) => rows.reduce((a, r) => a + Number(r[k]), 0);

function Page() {
  const [p, set] = useParams({ from: addDays(today(), -6), to: addDays(today(), 7), wc: "" });
  const centers = useQuery("{ workCenters(first: 100) { nodes { id code name } } }");
  const q = useQuery(`query($from: Date!, $to: Date!) { workCenterLoad(from: $from, to: $to) { ${LOAD_FIELDS} } }`, { from: p.from, to: p.to });
  const [live, setLive] = useState(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    setLive(null); setConnected(false);
    return subscribe(`subscription($from: Date!, $to: Date!) { workCenterLoadChanged(from: $from, to: $to) { ${LOAD_FIELDS} } }`,
      { from: p.from, to: p.to }, (d) => { setLive(d.workCenterLoadChanged); setConnected(true); }, () => setConnected(false));
  }, [p.from, p.to]);
  const options = centers.data ? centers.data.workCenters.nodes.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` })) : null;
  const filters = html`<${Filters} value=${p} onChange=${set} selects=${[{ name: "wc", label: t("mrp.wc"), options }]}/>`;
  const all = live || (q.data && q.data.workCenterLoad);
  if (!all) return html`${filters}<${Loading} error=${q.error}/>`;
  const rows = all.filter((r) => !p.wc || r.workCenterCode === p.wc).map((r) => ({ ...r, _key: r.workCenterCode + "|" + r.day,
    _class: r.loadPercent !== null && Number(r.loadPercent) > 100 ? "late" : "" }));
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const codes = [...new Set(rows.map((r) => r.workCenterCode))];
  const perDay = days.map((d) => rows.filter((r) => r.day === d));
  const perWc = codes.map((c) => { const rs = rows.filter((r) => r.workCenterCode === c); const av = sum(rs, "availableHours"); return av ? (sum(rs, "reportedHours") / av) * 100 : null; });
  const avail = sum(rows, "availableHours"), planned = sum(rows, "plannedHours"), reported = sum(rows, "reportedHours");
  const active = rows.filter((r) => Number(r.plannedHours) || Number(r.reportedHours));
  return html`${filters}
    <div class="kpis">
      <${Kpi} testid="kpi-planned" label=${t("mrp.totalPlanned")} value=${fmt(planned, 2)}/>
      <${Kpi} testid="kpi-reported" label=${t("mrp.totalReported")} value=${fmt(reported, 2)}/>
      <${Kpi} testid="kpi-util" label=${t("mrp.totalUtil")} value=${avail ? fmt((reported / avail) * 100) + " %" : "–"}/>
      <${Kpi} testid="kpi-overloaded" tone=${rows.some((r) => r._class) ? "late" : "ok"} label=${t("mrp.overloaded")} value=${rows.filter((r) => r._class).length} hint=${t("mrp.overloadHint")}/>
      <span class=${"badge " + (connected ? "ok" : "risk")} data-testid="live">${connected ? t("mrp.live") : t("mrp.offline")}</span>
    </div>
    <div class="grid">
      <${Panel} title=${t("mrp.byDay")} testid="panel-days">
        <${ChartView} testid="chart-days" type="bar" data=${{ labels: days, datasets: [
          { label: t("mrp.available"), type: "line", data: perDay.map((rs) => sum(rs, "availableHours")), borderColor: "#888", pointRadius: 0 },
          { label: t("mrp.planned"), data: perDay.map((rs) => sum(rs, "plannedHours")), backgroundColor: "#85c1e9" },
          { label: t("mrp.reported"), data: perDay.map((rs) => sum(rs, "reportedHours")), backgroundColor: "#1e8449" }] }}/>
      <//>
      <${Panel} title=${t("mrp.byWc")} testid="panel-wc">
        <${ChartView} testid="chart-wc" type="bar" data=${{ labels: codes, datasets: [{ label: t("mrp.util"), data: perWc, backgroundColor: "#3867d6" }] }} options=${{ indexAxis: "y", plugins: { legend: { display: false } } }}/>
      <//>
      <${Panel} wide title=${t("mrp.table")} testid="panel-load">
        <${Figures} testid="wc-load" rows=${active} columns=${[{ key: "workCenterCode", label: t("mrp.wc") }, { key: "day", label: t("mrp.day") },
          { key: "availableHours", label: t("mrp.available"), format: (v) => fmt(v, 2) }, { key: "plannedHours", label: t("mrp.planned"), format: (v) => fmt(v, 2) },
          { key: "reportedHours", label: t("mrp.reported"), format: (v) => fmt(v, 2) }, { key: "loadPercent", label: t("mrp.load"), format: (v) => fmt(v) },
          { key: "utilisationPercent", label: t("mrp.util"), format: (v) => fmt(v) }]}/>
      <//>
    </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
