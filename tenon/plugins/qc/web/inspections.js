// qc: the inspector's page (phone or bench PC): the inspections waiting (open), newest first, by
// stage; open one to record its results per check item and sample — a measurement is evaluated
// against the plan's tolerance as it is typed (limits shown), a pass/fail item is a verdict — and
// attach photos (the kit's upload helper, linked to the inspection). Recording answers with qc's own
// verdict per value and the inspection's state (passed/failed once every required value is in).
import { html, render, useState, useQuery, Loading, gql, upload, t, fmt, cameraIcon } from "/console/static/kit.js";

export const messages = {
  en: {
    "qi.waiting": "Waiting inspections ({n})", "qi.none": "No inspection is waiting.", "qi.stage": "Stage", "qi.all": "All stages",
    "qi.stage.RECEIPT": "Incoming", "qi.stage.IN_PROCESS": "In-process", "qi.stage.FINAL": "Final",
    "qi.qty": "{qty} pcs, sample {n}", "qi.lot": "lot {lot}", "qi.item": "Check", "qi.sample": "Sample {n}", "qi.nominal": "Nominal",
    "qi.limits": "Limits", "qi.in": "in tolerance", "qi.out": "out of tolerance", "qi.pass": "Pass", "qi.fail": "Fail",
    "qi.save": "Record results", "qi.saved": "{number}: {state}, {missing} value(s) missing.", "qi.state": "State",
    "qi.photo": "Add a photo", "qi.photos": "Photos: {n}", "qi.back": "Back to the list", "qi.reinspection": "re-inspection",
    "qi.state.OPEN": "open", "qi.state.PASSED": "passed", "qi.state.FAILED": "failed", "qi.nc": "Nonconformance {number} opened.",
  },
  "zh-CN": {
    "qi.waiting": "待检验（{n}）", "qi.none": "没有待检验的任务。", "qi.stage": "阶段", "qi.all": "全部阶段",
    "qi.stage.RECEIPT": "来料检验", "qi.stage.IN_PROCESS": "过程检验", "qi.stage.FINAL": "成品检验",
    "qi.qty": "{qty} 件，抽样 {n}", "qi.lot": "批次 {lot}", "qi.item": "检验项", "qi.sample": "样本 {n}", "qi.nominal": "标准值",
    "qi.limits": "上下限", "qi.in": "在公差内", "qi.out": "超出公差", "qi.pass": "合格", "qi.fail": "不合格",
    "qi.save": "提交检验结果", "qi.saved": "{number}：{state}，尚缺 {missing} 个值。", "qi.state": "状态",
    "qi.photo": "添加照片", "qi.photos": "照片：{n}", "qi.back": "返回列表", "qi.reinspection": "复检",
    "qi.state.OPEN": "进行中", "qi.state.PASSED": "合格", "qi.state.FAILED": "不合格", "qi.nc": "已开立不合格品 {number}。",
  },
};

const STAGES = ["RECEIPT", "IN_PROCESS", "FINAL"];
const LIST = `query($stage: InspectionStage) { inspections(stage: $stage, states: [OPEN], first: 100) { nodes {
  id number stage quantity sampleSize reinspection lotId product { code name } } } }`;
const FIELDS = `id number stage state quantity sampleSize missingValues reinspection product { code name }
  planVersion { items { code name kind nominal lowerLimit upperLimit unit decimals required } }
  results { sampleNo itemCode measured text passed } photos { id filename } nonconformance { number }`;
const ONE = `query($id: ID!) { inspection(id: $id) { ${FIELDS} } }`;
const RECORD = `mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) { ${FIELDS} } }`;

/** The tolerance verdict of a typed measurement (null while empty or not a number). */
export function evaluate(item, value) {
  if (value === "" || value === undefined || value === null || !Number.isFinite(Number(value))) return null;
  const x = Number(value);
  if (item.lowerLimit !== null && x < Number(item.lowerLimit)) return false;
  if (item.upperLimit !== null && x > Number(item.upperLimit)) return false;
  return true;
}

function Verdict({ ok, testid }) {
  if (ok === null || ok === undefined) return html`<span class="badge" data-testid=${testid}>–</span>`;
  return html`<span class=${"badge " + (ok ? "ok" : "late")} data-testid=${testid} data-ok=${String(ok)}>${ok ? t("qi.in") : t("qi.out")}</span>`;
}

function Record({ id, onBack }) {
  const q = useQuery(ONE, { id });
  const [values, setValues] = useState({});
  const [insp, setInsp] = useState(null);
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const cur = insp || (q.data && q.data.inspection);
  if (!cur) return html`<${Loading} error=${q.error}/>`;
  const items = cur.planVersion ? cur.planVersion.items : [];
  const samples = Array.from({ length: cur.sampleSize }, (_, i) => i + 1);
  const got = (code, n) => cur.results.find((r) => r.itemCode === code && r.sampleNo === n);
  const key = (code, n) => code + "#" + n;
  const set = (code, n, v) => setValues({ ...values, [key(code, n)]: v });
  const save = async () => {
    setBusy(true); setMsg(null);
    const v = Object.entries(values).filter(([, x]) => x !== "").map(([k, x]) => { const [item, n] = k.split("#"); return { item, sampleNo: Number(n), value: String(x) }; });
    try {
      const r = (await gql(RECORD, { id: cur.id, v })).inspectionRecord;
      setInsp(r); setValues({});
      setMsg({ text: t("qi.saved", { number: r.number, state: t("qi.state." + r.state), missing: r.missingValues }) + (r.nonconformance ? " " + t("qi.nc", r.nonconformance) : "") });
    } catch (e) { setMsg({ error: true, text: e.message }); } finally { setBusy(false); }
  };
  const photo = async (e) => {
    const file = e.target.files && e.target.files[0];
    if (!file) return;
    setBusy(true);
    try { await upload(file, "qc_inspection", cur.id); setInsp((await gql(ONE, { id: cur.id })).inspection); }
    catch (err) { setMsg({ error: true, text: err.message }); } finally { setBusy(false); e.target.value = ""; }
  };
  const cell = (it, n) => {
    const r = got(it.code, n), typed = values[key(it.code, n)];
    const name = `v-${it.code}-${n}`;
    if (it.kind === "PASS_FAIL") {
      const chosen = typed !== undefined ? typed : r ? (r.passed ? "pass" : "fail") : "";
      return html`<div class="row">
        <button class=${"big" + (chosen === "pass" ? " primary" : "")} data-testid=${name + "-pass"} onClick=${() => set(it.code, n, "pass")}>${t("qi.pass")}</button>
        <button class=${"big" + (chosen === "fail" ? " danger" : "")} data-testid=${name + "-fail"} onClick=${() => set(it.code, n, "fail")}>${t("qi.fail")}</button>
        ${r && typed === undefined ? html`<${Verdict} ok=${r.passed} testid=${name + "-verdict"}/>` : null}</div>`;
    }
    if (it.kind === "TEXT") return html`<input class="big" name=${name} value=${typed !== undefined ? typed : r ? r.text || "" : ""} onInput=${(e) => set(it.code, n, e.target.value)}/>`;
    const shown = typed !== undefined ? typed : r && r.measured !== null ? r.measured : "";
    const ok = typed !== undefined ? evaluate(it, typed) : r ? r.passed : null;
    return html`<div class="row"><input class="big" name=${name} type="number" inputmode="decimal" step="any" value=${shown}
      onInput=${(e) => set(it.code, n, e.target.value)}/> <${Verdict} ok=${ok} testid=${name + "-verdict"}/></div>`;
  };
  return html`<div data-testid="inspection" data-state=${cur.state}>
    <div class="card">
      <strong data-testid="inspection-number">${cur.number} · ${cur.product ? cur.product.code : ""}</strong>
      <span>${t("qi.stage." + cur.stage)}${cur.reinspection ? " · " + t("qi.reinspection") : ""} · ${t("qi.qty", { qty: fmt(cur.quantity, 4), n: cur.sampleSize })}</span>
      <span>${t("qi.state")}: <strong data-testid="inspection-state">${t("qi.state." + cur.state)}</strong></span>
    </div>
    ${items.map((it) => html`<div class="card" data-testid=${"item-" + it.code}>
      <strong>${it.code} · ${it.name}${it.required ? "" : " (optional)"}</strong>
      ${it.kind === "MEASUREMENT" ? html`<small data-testid=${"limits-" + it.code}>${t("qi.nominal")} ${it.nominal ?? "–"} ${it.unit} · ${t("qi.limits")} ${limits(it)} ${it.unit}</small>` : null}
      ${samples.map((n) => html`<label>${t("qi.sample", { n })}${cell(it, n)}</label>`)}
    </div>`)}
    ${msg ? html`<p class=${msg.error ? "error" : "notice"} role="status" data-testid="inspection-message">${msg.text}</p>` : null}
    ${cur.state === "OPEN" ? html`<button class="big primary" style="width:100%" data-testid="record" disabled=${busy || !Object.keys(values).length} onClick=${save}>${t("qi.save")}</button>` : null}
    <label class="big photo-button" data-testid="photo-button">${cameraIcon} ${t("qi.photo")}
      <input type="file" accept="image/*" capture="environment" hidden onChange=${photo}/></label>
    <p data-testid="photo-count">${t("qi.photos", { n: cur.photos.length })}</p>
    <p><button class="big" style="width:100%" onClick=${onBack}>${t("qi.back")}</button></p>
  </div>`;
}

function Page() {
  const [stage, setStage] = useState("");
  const [open, setOpen] = useState(null);
  const list = useQuery(LIST, { stage: stage || null });
  if (open) return html`<${Record} id=${open} onBack=${() => { setOpen(null); list.reload(); }}/>`;
  return html`<div data-testid="inspections">
    <label>${t("qi.stage")}<select class="big" name="stage" value=${stage} onChange=${(e) => setStage(e.target.value)}>
      <option value="">${t("qi.all")}</option>${STAGES.map((s) => html`<option value=${s} selected=${s === stage}>${t("qi.stage." + s)}</option>`)}</select></label>
    ${!list.data ? html`<${Loading} error=${list.error}/>` : html`<h2>${t("qi.waiting", { n: list.data.inspections.nodes.length })}</h2>
      ${list.data.inspections.nodes.length ? html`<ol class="tasks" data-testid="inspection-list">${list.data.inspections.nodes.map((i) => html`<li>
        <button data-number=${i.number} onClick=${() => setOpen(i.id)}><strong>${i.number}</strong> · ${t("qi.stage." + i.stage)} · ${i.product ? i.product.code : ""}<br/>
          <small>${t("qi.qty", { qty: fmt(i.quantity, 4), n: i.sampleSize })}${i.reinspection ? " · " + t("qi.reinspection") : ""}</small></button></li>`)}</ol>`
        : html`<p class="empty">${t("qi.none")}</p>`}`}
  </div>`;
}

// "24.95 … 25.05", or one side only: "≤ 2.0" (no lower tolerance), "≥ 0.5" (no upper one)
function limits(it) {
  const lo = it.lowerLimit ?? null, hi = it.upperLimit ?? null;
  if (lo !== null && hi !== null) return `${lo} … ${hi}`;
  if (hi !== null) return `≤ ${hi}`;
  if (lo !== null) return `≥ ${lo}`;
  return "–";
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
