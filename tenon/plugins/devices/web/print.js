// devices: label printing. The page lists the recent print jobs (state, attempts, last error, retry).
// The module also contributes the "Print label" action to other plugins' pages through the kit's
// extension point (`actions` below, shown by `<EntityActions kind="LOT" .../>`): stock's scan page
// (receipts, lots) and mrp's terminal (work orders) offer it without importing devices. The page's
// permission (devices.print_job create) decides who sees the page and so the action.
import { html, render, useState, useEffect, useRef, useQuery, Figures, Panel, Loading, gql, t, fmt } from "/console/static/kit.js";

export const messages = {
  en: {
    "print.label": "Print label", "print.printer": "Printer", "print.copies": "Copies", "print.send": "Print",
    "print.cancel": "Close", "print.retry": "Retry", "print.noPrinter": "No active label printer.", "print.state": "State",
    "print.attempts": "Attempts", "print.error": "Last error", "print.jobs": "Recent print jobs", "print.target": "Label",
    "print.when": "Queued", "print.job": "Job {state} · attempts {attempts}",
    "print.job.QUEUED": "Queued", "print.job.SENT": "Sent", "print.job.FAILED": "Failed",
  },
  "zh-CN": {
    "print.label": "打印标签", "print.printer": "打印机", "print.copies": "份数", "print.send": "打印",
    "print.cancel": "关闭", "print.retry": "重试", "print.noPrinter": "没有可用的标签打印机。", "print.state": "状态",
    "print.attempts": "尝试次数", "print.error": "最近错误", "print.jobs": "最近的打印任务", "print.target": "标签",
    "print.when": "排队时间", "print.job": "任务{state} · 尝试 {attempts} 次",
    "print.job.QUEUED": "排队中", "print.job.SENT": "已发送", "print.job.FAILED": "失败",
  },
};

const PRINTERS = `{ devices(filter: {kind: LABEL_PRINTER, active: true}, first: 100) { nodes { code name health } } }`;
const JOB_FIELDS = "id state attempts lastError";
const PRINT = `mutation($t: PrintTargetInput!, $p: String!, $c: Int!) { labelPrint(target: $t, printer: $p, copies: $c) { ${JOB_FIELDS} } }`;
const RETRY = `mutation($id: ID!) { printJobRetry(id: $id) { ${JOB_FIELDS} } }`;
const JOB = `query($id: ID!) { printJob(id: $id) { ${JOB_FIELDS} } }`;
/** How often and how long a job is followed until it is SENT or FAILED. */
const POLL_MS = 700, POLL_MAX = 60;

/** "Print label" for one record: pick a printer, copies, print, follow the job, retry a failed one. */
export function PrintLabel({ kind, id, label }) {
  const [open, setOpen] = useState(false);
  const [printers, setPrinters] = useState(null);
  const [printer, setPrinter] = useState("");
  const [copies, setCopies] = useState("1");
  const [job, setJob] = useState(null);
  const [err, setErr] = useState(null);
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  const follow = (j, n = 0) => {
    setJob(j);
    if (j.state !== "QUEUED" || n >= POLL_MAX) return;
    timer.current = setTimeout(() => gql(JOB, { id: j.id }).then((d) => follow(d.printJob, n + 1), (e) => setErr(e)), POLL_MS);
  };
  const show = () => {
    setOpen(true); setErr(null);
    gql(PRINTERS).then((d) => { setPrinters(d.devices.nodes); if (d.devices.nodes.length) setPrinter(d.devices.nodes[0].code); }, setErr);
  };
  const send = () => { setErr(null); setJob(null); gql(PRINT, { t: { kind, id }, p: printer, c: Math.max(1, Math.min(100, Number(copies) || 1)) })
    .then((d) => follow(d.labelPrint), setErr); };
  const retry = () => { setErr(null); gql(RETRY, { id: job.id }).then((d) => follow(d.printJobRetry), setErr); };
  if (!open) return html`<button class="big" data-testid="print-label" onClick=${show}>${t("print.label")}</button>`;
  return html`<div class="card print-label" data-testid="print-dialog">
    <strong>${t("print.label")}${label ? " · " + label : ""}</strong>
    ${printers === null ? html`<${Loading}/>` : !printers.length ? html`<p class="empty">${t("print.noPrinter")}</p>` : html`
      <label>${t("print.printer")}<select class="big" name="printer" value=${printer} onChange=${(e) => setPrinter(e.target.value)}>
        ${printers.map((p) => html`<option value=${p.code} selected=${p.code === printer}>${p.code} · ${p.name}</option>`)}</select></label>
      <label>${t("print.copies")}<input class="big" name="copies" type="number" min="1" max="100" value=${copies} onInput=${(e) => setCopies(e.target.value)}/></label>
      <div class="row">
        <button class="big primary" data-testid="print-send" disabled=${!printer || (job && job.state === "QUEUED")} onClick=${send}>${t("print.send")}</button>
        <button class="big" onClick=${() => { clearTimeout(timer.current); setOpen(false); setJob(null); }}>${t("print.cancel")}</button>
      </div>`}
    ${job ? html`<p class=${job.state === "FAILED" ? "error" : "notice"} role="status" data-testid="print-state" data-state=${job.state}>
      ${t("print.job", { state: t("print.job." + job.state), attempts: job.attempts })}${job.lastError ? " · " + job.lastError : ""}</p>` : null}
    ${job && job.state === "FAILED" ? html`<button class="big" data-testid="print-retry" onClick=${retry}>${t("print.retry")}</button>` : null}
    ${err ? html`<p class="error" role="alert">${err.message}</p>` : null}
  </div>`;
}

export const actions = {
  RECEIPT: [{ key: "print-label", component: PrintLabel }],
  LOT: [{ key: "print-label", component: PrintLabel }],
  WORK_ORDER: [{ key: "print-label", component: PrintLabel }],
};

const JOBS = `{ printJobs(first: 30) { nodes { id state targetKind labelValue copies attempts lastError createdAt printer { code } } } }`;

function Page() {
  const { data, error, reload } = useQuery(JOBS);
  if (!data) return html`<${Loading} error=${error}/>`;
  const retry = (id) => gql(RETRY, { id }).then(reload, reload);
  return html`<${Panel} title=${t("print.jobs")} testid="print-jobs-panel" wide=${true}>
    <${Figures} testid="print-job-list" columns=${[
      { key: "label", label: t("print.target") }, { key: "printer", label: t("print.printer") }, { key: "copies", label: t("print.copies") },
      { key: "state", label: t("print.state") }, { key: "attempts", label: t("print.attempts") }, { key: "error", label: t("print.error") },
      { key: "id", label: "", format: (v, r) => (r.raw === "FAILED" ? html`<button onClick=${() => retry(v)}>${t("print.retry")}</button>` : "") }]}
      rows=${data.printJobs.nodes.map((j) => ({ _key: j.id, id: j.id, raw: j.state, label: `${j.targetKind} ${j.labelValue}`,
        printer: j.printer ? j.printer.code : "–", copies: fmt(j.copies, 0), state: t("print.job." + j.state), attempts: j.attempts, error: j.lastError || "" }))}/>
  <//>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
