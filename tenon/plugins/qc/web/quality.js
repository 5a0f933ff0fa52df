// qc: quality KPIs — first-pass yield of first inspections (not re-inspections) decided in a period,
// by product, work center or operation (optionally one stage), and the open nonconformances by age.
import { html, render, useQuery, useParams, Filters, Figures, ChartView, Kpi, Panel, Loading, t, fmt, today, addDays } from "/console/static/kit.js";

export const messages = {
  en: {
    "qk.group": "By", "qk.group.PRODUCT": "Product", "qk.group.WORK_CENTER": "Work center", "qk.group.OPERATION": "Operation",
    "qk.stage": "Stage", "qk.stage.RECEIPT": "Incoming", "qk.stage.IN_PROCESS": "In-process", "qk.stage.FINAL": "Final",
    "qk.key": "Group", "qk.inspections": "Inspections", "qk.passed": "Passed", "qk.quantity": "Quantity", "qk.passedQty": "Passed qty",
    "qk.fpy": "First-pass yield", "qk.fpyChart": "First-pass yield (%)", "qk.table": "First-pass yield by group", "qk.total": "Overall first-pass yield",
    "qk.totalHint": "{passed} of {qty} pcs passed first time", "qk.ncAge": "Open nonconformances by age", "qk.bucket": "Age",
    "qk.count": "Open", "qk.oldest": "Oldest opened", "qk.open": "Open nonconformances", "qk.none": "none",
  },
  "zh-CN": {
    "qk.group": "分组", "qk.group.PRODUCT": "产品", "qk.group.WORK_CENTER": "工作中心", "qk.group.OPERATION": "工序",
    "qk.stage": "阶段", "qk.stage.RECEIPT": "来料检验", "qk.stage.IN_PROCESS": "过程检验", "qk.stage.FINAL": "成品检验",
    "qk.key": "分组", "qk.inspections": "检验次数", "qk.passed": "合格次数", "qk.quantity": "数量", "qk.passedQty": "合格数量",
    "qk.fpy": "一次合格率", "qk.fpyChart": "一次合格率（%）", "qk.table": "按分组的一次合格率", "qk.total": "总体一次合格率",
    "qk.totalHint": "{qty} 件中一次合格 {passed} 件", "qk.ncAge": "未关闭不合格品账龄", "qk.bucket": "账龄",
    "qk.count": "未关闭", "qk.oldest": "最早开立", "qk.open": "未关闭不合格品", "qk.none": "无",
  },
};

const GROUPS = ["PRODUCT", "WORK_CENTER", "OPERATION"];
const FPY = `query($from: Date!, $to: Date!, $g: [YieldGroup!], $s: InspectionStage) {
  firstPassYield(from: $from, to: $to, groupBy: $g, stage: $s) { productId workCenterId operationId inspections passed quantity passedQuantity firstPassYield } }`;
const AGES = "{ openNonconformancesByAge { bucket minDays maxDays count oldest } }";
const NAMES = { PRODUCT: "{ names: products(first: 100) { nodes { id code } } }", WORK_CENTER: "{ names: workCenters(first: 100) { nodes { id code } } }",
  OPERATION: "{ names: mrpOperations(first: 100) { nodes { id code } } }" };
const FIELD = { PRODUCT: "productId", WORK_CENTER: "workCenterId", OPERATION: "operationId" };
const pct = (y) => (y === null || y === undefined ? "–" : fmt(Number(y) * 100, 1) + " %");

function Page() {
  const [p, set] = useParams({ from: addDays(today(), -29), to: today(), group: "PRODUCT", stage: "" });
  const group = GROUPS.includes(p.group) ? p.group : "PRODUCT";
  const fpy = useQuery(FPY, { from: p.from, to: p.to, g: [group], s: p.stage || null });
  const ages = useQuery(AGES);
  const names = useQuery(NAMES[group]);
  const nameOf = (id) => { const n = names.data && names.data.names.nodes.find((x) => x.id === id); return n ? n.code : id === null ? "–" : id; };
  const filters = html`<${Filters} value=${{ ...p, group }} onChange=${set} selects=${[
    { name: "group", label: t("qk.group"), options: GROUPS.map((g) => ({ value: g, label: t("qk.group." + g) })) },
    { name: "stage", label: t("qk.stage"), options: ["RECEIPT", "IN_PROCESS", "FINAL"].map((s) => ({ value: s, label: t("qk.stage." + s) })) }]}/>`;
  if (!fpy.data) return html`${filters}<${Loading} error=${fpy.error}/>`;
  const rows = fpy.data.firstPassYield.map((r) => ({ ...r, _key: String(r[FIELD[group]]), key: nameOf(r[FIELD[group]]),
    _class: r.firstPassYield !== null && Number(r.firstPassYield) < 0.95 ? "late" : "" }));
  const qty = rows.reduce((a, r) => a + Number(r.quantity), 0), ok = rows.reduce((a, r) => a + Number(r.passedQuantity), 0);
  // the ages arrive on their own: until then their panel says it is loading (not "no data", not 0)
  const age = ages.data ? ages.data.openNonconformancesByAge : null;
  return html`${filters}
    <div class="kpis">
      <${Kpi} testid="kpi-fpy" label=${t("qk.total")} value=${qty ? fmt((ok / qty) * 100, 1) + " %" : "–"} hint=${t("qk.totalHint", { passed: fmt(ok, 2), qty: fmt(qty, 2) })}/>
      <${Kpi} testid="kpi-open-nc" label=${t("qk.open")} value=${age ? fmt(age.reduce((a, b) => a + b.count, 0), 0) : "–"} tone=${!age ? "" : age.some((b) => b.minDays >= 7 && b.count) ? "late" : "ok"}/>
    </div>
    <div class="grid">
      <${Panel} title=${t("qk.fpyChart")} testid="panel-fpy">
        <${ChartView} testid="chart-fpy" type="bar" data=${{ labels: rows.map((r) => r.key), datasets: [
          { label: t("qk.fpy"), data: rows.map((r) => (r.firstPassYield === null ? null : Number(r.firstPassYield) * 100)), backgroundColor: "#1e8449" }] }}
          options=${{ scales: { y: { min: 0, max: 100 } } }}/>
      <//>
      <${Panel} title=${t("qk.ncAge")} testid="panel-nc-age">
        ${age ? html`<${Figures} testid="nc-by-age" columns=${[{ key: "bucket", label: t("qk.bucket") }, { key: "count", label: t("qk.count") },
          { key: "oldest", label: t("qk.oldest"), format: (v) => (v ? new Date(v).toLocaleDateString() : t("qk.none")) }]}
          rows=${age.map((b) => ({ ...b, _key: b.bucket, _class: b.minDays >= 7 && b.count ? "late" : "" }))}/>` : html`<${Loading} error=${ages.error}/>`}
      <//>
      <${Panel} title=${t("qk.table")} testid="panel-fpy-table" wide=${true}>
        <${Figures} testid="fpy-table" columns=${[{ key: "key", label: t("qk.group." + group) }, { key: "inspections", label: t("qk.inspections") },
          { key: "passed", label: t("qk.passed") }, { key: "quantity", label: t("qk.quantity"), format: (v) => fmt(v, 4) },
          { key: "passedQuantity", label: t("qk.passedQty"), format: (v) => fmt(v, 4) }, { key: "firstPassYield", label: t("qk.fpy"), format: pct }]} rows=${rows}/>
      <//>
    </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
