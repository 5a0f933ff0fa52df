// mrp: the shop-floor terminal (phone-sized): my current tasks in priority order for my work center,
// scan a work-order number or lot barcode to open one (camera where the browser has BarcodeDetector,
// or a USB/PDA scanner as keyboard input), report good and scrap quantities, report an exception
// with a photo from the camera. Large touch targets; every request is small, mutations carry an
// Idempotency-Key so a retry on a slow connection books nothing twice.
import { html, render, useState, useEffect, useQuery, ScanInput, EntityActions, Loading, gql, upload, session, t, fmt, cameraIcon } from "/console/static/kit.js";

export const messages = {
  en: {
    "term.wc": "My work center", "term.tasks": "My tasks ({n})", "term.none": "No ready tasks at this work center.",
    "term.due": "due {date}", "term.noDue": "no due date", "term.avail": "{qty} to do", "term.scan": "Scan work order or lot",
    "term.notMine": "{code} is not one of the current tasks of this work center.", "term.good": "Good", "term.scrap": "Scrap",
    "term.reason": "Scrap reason", "term.minutes": "Minutes worked", "term.report": "Report", "term.reported": "Reported {good} good, {scrap} scrap on {wo}.",
    "term.back": "Back to my tasks", "term.exception": "Report an exception", "term.kind": "Type", "term.describe": "What happened",
    "term.photo": "Take a photo", "term.photoAgain": "Take another photo", "term.send": "Send exception", "term.sent": "Exception reported ({photos} photo(s)): {who} is notified.",
    "term.priority": "priority {n}", "term.op": "Operation {seq}: {name}",
    "kind.MACHINE_DOWN": "Machine down", "kind.MATERIAL_SHORTAGE": "Material shortage", "kind.QUALITY": "Quality", "kind.OTHER": "Other",
  },
  "zh-CN": {
    "term.wc": "我的工作中心", "term.tasks": "我的任务（{n}）", "term.none": "本工作中心暂无就绪任务。",
    "term.due": "交期 {date}", "term.noDue": "无交期", "term.avail": "待做 {qty}", "term.scan": "扫描工单或批次",
    "term.notMine": "{code} 不是本工作中心的当前任务。", "term.good": "合格数", "term.scrap": "报废数",
    "term.reason": "报废原因", "term.minutes": "工时（分钟）", "term.report": "报工", "term.reported": "已报工 {wo}：合格 {good}，报废 {scrap}。",
    "term.back": "返回任务列表", "term.exception": "报告异常", "term.kind": "类型", "term.describe": "异常描述",
    "term.photo": "拍照", "term.photoAgain": "重新拍照", "term.send": "提交异常", "term.sent": "异常已提交（{photos} 张照片），已通知 {who}。",
    "term.priority": "优先级 {n}", "term.op": "工序 {seq}：{name}",
    "kind.MACHINE_DOWN": "设备故障", "kind.MATERIAL_SHORTAGE": "缺料", "kind.QUALITY": "质量", "kind.OTHER": "其他",
  },
};

const KINDS = ["MACHINE_DOWN", "MATERIAL_SHORTAGE", "QUALITY", "OTHER"];
const DISPATCH = `query($wc: ID!) { dispatchList(workCenterId: $wc) { availableQuantity
  operation { id sequence name state plannedMinutes goodQuantity scrapQuantity }
  workOrder { id number quantity dueDate priority lotId product { code name unit } } } }`;

function Task({ item, wc, onDone }) {
  const [good, setGood] = useState(String(Number(item.availableQuantity) || 0));
  const [scrap, setScrap] = useState("0");
  const [reason, setReason] = useState("");
  const [minutes, setMinutes] = useState(null); // null: the standard time of the quantity, until edited
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const [excOpen, setExcOpen] = useState(false);
  const wo = item.workOrder, op = item.operation;
  const standard = Math.round((Number(op.plannedMinutes) * (Number(good || 0) + Number(scrap || 0))) / (Number(wo.quantity) || 1));
  const mins = minutes === null ? String(standard) : minutes;
  const report = async () => {
    setBusy(true); setMsg(null);
    try {
      await gql(`mutation($i: OperationReportInput!) { workOrderOperationReport(input: $i) { id goodQuantity scrapQuantity } }`,
        { i: { operationId: op.id, good: good || "0", scrap: scrap || "0", reasonCode: Number(scrap) > 0 && reason ? reason : null, minutes: mins || "0" } });
      onDone(t("term.reported", { good: good || 0, scrap: scrap || 0, wo: wo.number }));
    } catch (e) { setMsg({ error: true, text: e.message }); } finally { setBusy(false); }
  };
  return html`<div data-testid="task">
    <div class="card">
      <strong data-testid="task-wo">${wo.number} · ${wo.product ? wo.product.code : ""}</strong>
      <span>${t("term.op", { seq: op.sequence, name: op.name })} · ${t("term.avail", { qty: fmt(item.availableQuantity, 4) })}</span>
      <${EntityActions} kind="WORK_ORDER" id=${wo.id} label=${wo.number}/>
      <div class="row">
        <label>${t("term.good")}<input class="big" name="good" type="number" inputmode="decimal" min="0" step="any" value=${good} onInput=${(e) => setGood(e.target.value)}/></label>
        <label>${t("term.scrap")}<input class="big" name="scrap" type="number" inputmode="decimal" min="0" step="any" value=${scrap} onInput=${(e) => setScrap(e.target.value)}/></label>
      </div>
      <label>${t("term.minutes")}<input class="big" name="minutes" type="number" inputmode="numeric" min="0" step="any" value=${mins} onInput=${(e) => setMinutes(e.target.value)}/></label>
      ${Number(scrap) > 0 ? html`<label>${t("term.reason")}<input class="big" name="reason" value=${reason} onInput=${(e) => setReason(e.target.value)}/></label>` : null}
      ${msg ? html`<p class="error" role="alert">${msg.text}</p>` : null}
      <button class="big primary" data-testid="report" disabled=${busy} onClick=${report}>${t("term.report")}</button>
    </div>
    ${excOpen ? html`<${ExceptionForm} item=${item} wc=${wc} onDone=${onDone}/>`
      : html`<button class="big danger" style="width:100%" data-testid="exception-open" onClick=${() => setExcOpen(true)}>${t("term.exception")}</button>`}
    <p><button class="big" style="width:100%" onClick=${() => onDone(null)}>${t("term.back")}</button></p>
  </div>`;
}

function ExceptionForm({ item, onDone }) {
  const [kind, setKind] = useState("MACHINE_DOWN");
  const [text, setText] = useState("");
  const [photo, setPhoto] = useState(null);
  const [preview, setPreview] = useState(null);
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (!photo) return undefined; const u = URL.createObjectURL(photo); setPreview(u); return () => URL.revokeObjectURL(u); }, [photo]);
  const send = async () => {
    setBusy(true); setMsg(null);
    try {
      const d = await gql(`mutation($i: ExceptionReportInput!) { productionExceptionReport(input: $i) { id assignedTo } }`,
        { i: { workOrderId: item.workOrder.id, operationId: item.operation.id, type: kind, description: text } });
      const exc = d.productionExceptionReport;
      if (photo) await upload(photo, "mrp_exception", exc.id);
      onDone(t("term.sent", { photos: photo ? 1 : 0, who: exc.assignedTo || "–" }));
    } catch (e) { setMsg(e.message); } finally { setBusy(false); }
  };
  return html`<div class="card" data-testid="exception-form">
    <strong>${t("term.exception")}</strong>
    <label>${t("term.kind")}<select class="big" name="kind" value=${kind} onChange=${(e) => setKind(e.target.value)}>
      ${KINDS.map((k) => html`<option value=${k} selected=${k === kind}>${t("kind." + k)}</option>`)}</select></label>
    <label>${t("term.describe")}<textarea class="big" name="description" rows="3" value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <label class="big photo-button" data-testid="photo-button">${cameraIcon} ${photo ? t("term.photoAgain") : t("term.photo")}
      <input name="photo" type="file" accept="image/*" capture="environment" onChange=${(e) => setPhoto(e.target.files[0] || null)}/></label>
    ${preview ? html`<img src=${preview} alt="" style="max-width:100%;border-radius:8px" data-testid="photo-preview"/>` : null}
    ${msg ? html`<p class="error" role="alert">${msg}</p>` : null}
    <button class="big danger" data-testid="exception-send" disabled=${busy || !text.trim()} onClick=${send}>${t("term.send")}</button>
  </div>`;
}

function Page() {
  const centers = useQuery("{ workCenters(first: 100) { nodes { id code name } } }");
  const [wc, setWc] = useState(localStorage.getItem("tenon.terminal.wc") || "");
  const [items, setItems] = useState(null);
  const [open, setOpen] = useState(null);
  const [msg, setMsg] = useState(null);
  const mine = (session.user && session.user.attributes && session.user.attributes.work_centers) || [];
  const list = centers.data ? centers.data.workCenters.nodes.filter((w) => !mine.length || mine.includes(w.code)) : [];
  const current = list.find((w) => w.id === wc) || list[0];
  const load = () => current && gql(DISPATCH, { wc: current.id }).then((d) => setItems(d.dispatchList), (e) => setMsg({ error: true, text: e.message }));
  useEffect(() => { setItems(null); load(); }, [current && current.id]);
  if (!centers.data) return html`<${Loading} error=${centers.error}/>`;
  const done = (text) => { setOpen(null); setMsg(text ? { text } : null); load(); };
  const onScan = async (code) => {
    setMsg(null);
    let hit = (items || []).find((i) => i.workOrder.number === code);
    if (!hit) {
      try {
        const r = (await gql("query($c: String!) { scan(code: $c) { kind lot { id } } }", { c: code })).scan;
        if (r.lot) hit = (items || []).find((i) => i.workOrder.lotId === r.lot.id);
      } catch (e) { /* no stock read: work-order numbers only */ }
    }
    if (hit) setOpen(hit); else setMsg({ error: true, text: t("term.notMine", { code }) });
  };
  return html`<div data-testid="terminal">
    <label class="card">${t("term.wc")}
      <select class="big" data-testid="wc" value=${current ? current.id : ""} onChange=${(e) => { localStorage.setItem("tenon.terminal.wc", e.target.value); setWc(e.target.value); setOpen(null); }}>
        ${list.map((w) => html`<option value=${w.id} selected=${current && w.id === current.id}>${w.code} · ${w.name}</option>`)}
      </select></label>
    ${msg ? html`<p class=${msg.error ? "error" : "notice"} role="status" data-testid="terminal-message">${msg.text}</p>` : null}
    ${open ? html`<${Task} key=${open.operation.id} item=${open} wc=${current} onDone=${done}/>` : html`
      <${ScanInput} onScan=${onScan} placeholder=${t("term.scan")}/>
      ${!items ? html`<${Loading}/>` : html`<h2>${t("term.tasks", { n: items.length })}</h2>
        ${items.length ? html`<ol class="tasks" data-testid="tasks">${items.map((i) => html`<li class=${i.workOrder.dueDate && i.workOrder.dueDate <= new Date().toISOString().slice(0, 10) ? "due" : ""}>
          <button data-wo=${i.workOrder.number} onClick=${() => setOpen(i)}>
            <strong>${i.workOrder.number}</strong> · ${i.workOrder.product ? i.workOrder.product.code : ""} · ${t("term.op", { seq: i.operation.sequence, name: i.operation.name })}<br/>
            <small>${i.workOrder.dueDate ? t("term.due", { date: i.workOrder.dueDate }) : t("term.noDue")} · ${t("term.priority", { n: i.workOrder.priority })} · ${t("term.avail", { qty: fmt(i.availableQuantity, 4) })}</small>
          </button></li>`)}</ol>` : html`<p class="empty">${t("term.none")}</p>`}`}`}
  </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
