// orders: order progress with overdue warnings (a console page, see tenon_web_pages in ../plugin.py).
// Orders by state, late and at-risk orders first, and the delivery cycle time trend, for a period
// and a region. Every figure comes from /graphql with the user's token: a sales rep sees her regions only.
import { html, render, useQuery, useParams, Filters, Figures, ChartView, Kpi, Panel, Loading, t, fmt, today, addDays, daysBetween } from "/console/static/kit.js";

export const messages = {
  en: {
    "orders.byState": "Orders by state (requested delivery in the period)", "orders.count": "Orders", "orders.state": "State", "orders.region": "Region", "orders.customer": "Customer",
    "orders.lateFirst": "Open orders today: late and at-risk first", "orders.number": "Order", "orders.requested": "Requested",
    "orders.complete": "Complete %", "orders.status": "Status", "orders.late": "Late", "orders.atRisk": "At risk",
    "orders.onTrack": "On track", "orders.open": "Open orders", "orders.cycleTrend": "Delivery cycle time trend (days, by week)",
    "orders.week": "Week from", "orders.avgDays": "Average days", "orders.shipped": "Delivered orders", "orders.avgCycle": "Average cycle time",
    "orders.days": "{n} days", "orders.riskHint": "due within {n} days and not complete",
    "state.DRAFT": "Draft", "state.CONFIRMED": "Confirmed", "state.IN_PRODUCTION": "In production", "state.READY": "Ready",
    "state.PARTIALLY_SHIPPED": "Partially shipped", "state.SHIPPED": "Shipped", "state.DONE": "Done", "state.CANCELLED": "Cancelled",
  },
  "zh-CN": {
    "orders.byState": "各状态订单数（要求交期在所选期间）", "orders.count": "订单数", "orders.state": "状态", "orders.region": "区域", "orders.customer": "客户",
    "orders.lateFirst": "当前未结订单：延期与有风险的优先", "orders.number": "订单号", "orders.requested": "要求交期",
    "orders.complete": "完成 %", "orders.status": "情况", "orders.late": "已延期", "orders.atRisk": "有风险",
    "orders.onTrack": "正常", "orders.open": "未结订单", "orders.cycleTrend": "交付周期趋势（天，按周）",
    "orders.week": "周起始", "orders.avgDays": "平均天数", "orders.shipped": "已交付订单", "orders.avgCycle": "平均交付周期",
    "orders.days": "{n} 天", "orders.riskHint": "{n} 天内到期且未完成",
    "state.DRAFT": "草稿", "state.CONFIRMED": "已确认", "state.IN_PRODUCTION": "生产中", "state.READY": "待发货",
    "state.PARTIALLY_SHIPPED": "部分发货", "state.SHIPPED": "已发货", "state.DONE": "已完成", "state.CANCELLED": "已取消",
  },
};

export const STATES = ["DRAFT", "CONFIRMED", "IN_PRODUCTION", "READY", "PARTIALLY_SHIPPED", "SHIPPED", "DONE", "CANCELLED"];
export const RISK_DAYS = 7;
const MAX_WEEKS = 26;

function weeks(from, to) {
  const out = [];
  for (let d = from; d <= to && out.length < MAX_WEEKS; d = addDays(d, 7)) out.push([d, addDays(d, 6) < to ? addDays(d, 6) : to]);
  return out;
}

/** The one query of the page (exported so the tests ask /graphql the same question). */
export function progressQuery(from, to) {
  const period = `requestedFrom: "${from}", requestedBefore: "${addDays(to, 1)}"`;
  const states = STATES.map((s) => `${s.toLowerCase()}: salesOrders(filter: {states: [${s}], regionCode: $region, ${period}}) { totalCount }`).join("\n");
  const trend = weeks(from, to < today() ? to : today()).map(([a, b], i) => `w${i}: deliveryCycleTime(from: "${a}", to: "${b}", region: $region) { from count averageDays }`).join("\n");
  return `query Progress($region: String, $asOf: Date) {
    ${states}
    orderProgress(asOf: $asOf, regionCode: $region, first: 100) { totalCount nodes { orderId number state regionCode requestedDate percentComplete overdue order { customer { name } } } }
    total: deliveryCycleTime(from: "${from}", to: "${to}", region: $region) { count averageDays }
    ${trend}
  }`;
}

/** late / risk / ok for one orderProgress row as of a day. */
export function status(row, asOf) {
  if (row.overdue) return "late";
  if (row.requestedDate && daysBetween(asOf, row.requestedDate) <= RISK_DAYS && row.percentComplete < 100) return "risk";
  return "ok";
}

function Page() {
  const [p, set] = useParams({ from: addDays(today(), -55), to: addDays(today(), 28), region: "" });
  const regions = useQuery("{ regions(first: 100) { nodes { code name } } }");
  const asOf = today();
  const q = useQuery(progressQuery(p.from, p.to), { region: p.region || null, asOf });
  const regionOptions = regions.data ? regions.data.regions.nodes.map((r) => ({ value: r.code, label: `${r.code} · ${r.name}` })) : null;
  const filters = html`<${Filters} value=${p} onChange=${set} selects=${[{ name: "region", label: t("orders.region"), options: regionOptions }]}/>`;
  if (!q.data) return html`${filters}<${Loading} error=${q.error}/>`;
  const d = q.data;
  const byState = STATES.map((s) => ({ _key: s, state: t("state." + s), count: d[s.toLowerCase()].totalCount }));
  const rank = { late: 0, risk: 1, ok: 2 };
  const regionName = Object.fromEntries(regions.data ? regions.data.regions.nodes.map((r) => [r.code, r.name]) : []);
  const rows = d.orderProgress.nodes.map((r) => ({ ...r, customer: r.order.customer ? r.order.customer.name : "–", status: status(r, asOf), _key: r.number }))
    .sort((a, b) => rank[a.status] - rank[b.status]).map((r) => ({ ...r, _class: r.status }));
  const late = rows.filter((r) => r.status === "late").length, risk = rows.filter((r) => r.status === "risk").length;
  const trend = Object.keys(d).filter((k) => /^w\d+$/.test(k)).sort((a, b) => +a.slice(1) - +b.slice(1)).map((k) => ({ _key: d[k].from, week: d[k].from, count: d[k].count, avg: d[k].averageDays }));
  const label = { late: t("orders.late"), risk: t("orders.atRisk"), ok: t("orders.onTrack") };
  return html`${filters}
    <div class="kpis">
      <${Kpi} testid="kpi-open" label=${t("orders.open")} value=${d.orderProgress.totalCount}/>
      <${Kpi} testid="kpi-late" tone="late" label=${t("orders.late")} value=${late}/>
      <${Kpi} testid="kpi-risk" tone="risk" label=${t("orders.atRisk")} value=${risk} hint=${t("orders.riskHint", { n: RISK_DAYS })}/>
      <${Kpi} testid="kpi-cycle" label=${t("orders.avgCycle")} value=${d.total.averageDays == null ? "–" : t("orders.days", { n: fmt(d.total.averageDays) })} hint=${t("orders.shipped") + ": " + d.total.count}/>
    </div>
    <div class="grid">
      <${Panel} title=${t("orders.byState")} testid="panel-states">
        <${ChartView} type="bar" testid="chart-states" data=${{ labels: byState.map((r) => r.state), datasets: [{ label: t("orders.count"), data: byState.map((r) => r.count), backgroundColor: "#3867d6" }] }} options=${{ plugins: { legend: { display: false } } }}/>
        <${Figures} testid="orders-by-state" columns=${[{ key: "state", label: t("orders.state") }, { key: "count", label: t("orders.count") }]} rows=${byState}/>
      <//>
      <${Panel} title=${t("orders.cycleTrend")} testid="panel-cycle">
        <${ChartView} type="line" testid="chart-cycle" data=${{ labels: trend.map((r) => r.week), datasets: [{ label: t("orders.avgDays"), data: trend.map((r) => r.avg), borderColor: "#1e8449", spanGaps: true }] }}/>
        <${Figures} testid="cycle-trend" columns=${[{ key: "week", label: t("orders.week") }, { key: "count", label: t("orders.shipped") }, { key: "avg", label: t("orders.avgDays"), format: (v) => fmt(v) }]} rows=${trend}/>
      <//>
      <${Panel} wide title=${t("orders.lateFirst")} testid="panel-orders">
        <${Figures} testid="order-progress" rows=${rows} columns=${[
          { key: "status", label: t("orders.status"), format: (v) => html`<span class=${"badge " + v}>${label[v]}</span>` },
          { key: "number", label: t("orders.number") }, { key: "customer", label: t("orders.customer") },
          { key: "regionCode", label: t("orders.region"), format: (v) => regionName[v] || v },
          { key: "state", label: t("orders.state"), format: (v) => t("state." + v) },
          { key: "requestedDate", label: t("orders.requested"), format: (v) => v || "–" },
          { key: "percentComplete", label: t("orders.complete"), format: (v) => fmt(v) }]}/>
      <//>
    </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
