// stock: the clerk's scan-to-move terminal (phone or PDA; a USB/PDA scanner types into the field).
// Scan the source location, the item (product or lot barcode), the destination, enter the quantity:
// one moveScan. Scanning a receipt or requisition number books it (validate / issue).
import { html, render, useState, ScanInput, EntityActions, gql, t, fmt } from "/console/static/kit.js";

export const messages = {
  en: {
    "scan.from": "From location", "scan.item": "Item", "scan.to": "To location", "scan.qty": "Quantity", "scan.move": "Move",
    "scan.reset": "Start over", "scan.next": "Scan: {what}", "scan.moved": "Moved {qty} {item} from {from} to {to}.",
    "scan.unknown": "Unknown code: {code}", "scan.receipt": "Receipt {number} ({state})", "scan.requisition": "Requisition {number} ({state})",
    "scan.validate": "Book receipt", "scan.issue": "Issue material", "scan.booked": "{number} is now {state}.", "scan.onHand": "on hand",
  },
  "zh-CN": {
    "scan.from": "来源库位", "scan.item": "物料", "scan.to": "目标库位", "scan.qty": "数量", "scan.move": "移库",
    "scan.reset": "重新开始", "scan.next": "请扫描：{what}", "scan.moved": "已将 {qty} {item} 从 {from} 移到 {to}。",
    "scan.unknown": "未知编码：{code}", "scan.receipt": "收货单 {number}（{state}）", "scan.requisition": "领料单 {number}（{state}）",
    "scan.validate": "确认收货", "scan.issue": "发料", "scan.booked": "{number} 当前状态：{state}。", "scan.onHand": "现有",
  },
};

const SCAN = `query($code: String!) { scan(code: $code) { code kind documentType documentId number state
  product { code name unit onHand } lot { id code onHand product { code } } location { code name } } }`;

function Page() {
  const [step, setStep] = useState({});
  const [doc, setDoc] = useState(null);
  const [msg, setMsg] = useState(null);
  const [qty, setQty] = useState("1");
  const [busy, setBusy] = useState(false);
  const need = !step.from ? "from" : !step.item ? "item" : !step.to ? "to" : null;
  const onScan = async (code) => {
    setMsg(null);
    try {
      const r = (await gql(SCAN, { code })).scan;
      if (r.kind === "DOCUMENT") { setDoc(r); return; }
      if (r.kind === "UNKNOWN") { setMsg({ error: true, text: t("scan.unknown", { code }) }); return; }
      const slot = r.kind === "LOCATION" ? (step.from ? "to" : "from") : "item";
      setStep({ ...step, [slot]: r });
    } catch (e) { setMsg({ error: true, text: e.message }); }
  };
  const move = async () => {
    setBusy(true);
    try {
      await gql(`mutation($i: MoveScanInput!) { moveScan(input: $i) { id quantity } }`, { i: {
        fromCode: step.from.code, toCode: step.to.code, itemCode: step.item.code, quantity: qty, lotCode: step.item.lot ? step.item.lot.code : null } });
      setMsg({ text: t("scan.moved", { qty, item: step.item.code, from: step.from.code, to: step.to.code }) });
      setStep({}); setQty("1");
    } catch (e) { setMsg({ error: true, text: e.message }); } finally { setBusy(false); }
  };
  const book = async () => {
    setBusy(true);
    try {
      const m = doc.documentType === "receipt" ? `mutation($id: ID!) { r: receiptValidate(id: $id) { number state } }`
        : `mutation($id: ID!) { r: requisitionIssue(id: $id) { number state } }`;
      const r = (await gql(m, { id: doc.documentId })).r;
      setMsg({ text: t("scan.booked", r) }); setDoc(null);
    } catch (e) { setMsg({ error: true, text: e.message }); } finally { setBusy(false); }
  };
  const show = (r) => (r ? (r.location ? `${r.location.code} · ${r.location.name}` : r.lot ? `${r.lot.code} (${r.lot.product.code}, ${t("scan.onHand")} ${fmt(r.lot.onHand, 4)})`
    : r.product ? `${r.product.code} · ${r.product.name} (${t("scan.onHand")} ${fmt(r.product.onHand, 4)} ${r.product.unit})` : r.code) : "–");
  return html`<div data-testid="scan-move">
    <${ScanInput} onScan=${onScan} placeholder=${need ? t("scan.next", { what: t("scan." + need) }) : t("kit.scan")}/>
    ${msg ? html`<p class=${msg.error ? "error" : "notice"} role="status" data-testid="scan-message">${msg.text}</p>` : null}
    ${doc ? html`<div class="card" data-testid="scan-document">
      <strong>${t(doc.documentType === "receipt" ? "scan.receipt" : "scan.requisition", doc)}</strong>
      ${doc.documentType === "receipt" ? html`<${EntityActions} kind="RECEIPT" id=${doc.documentId} label=${doc.number}/>` : null}
      ${doc.documentType === "receipt" || doc.documentType === "requisition" ? html`<button class="big primary" disabled=${busy} onClick=${book}>${t(doc.documentType === "receipt" ? "scan.validate" : "scan.issue")}</button>` : null}
    </div>` : html`<div class="card">
      <label>${t("scan.from")}<strong data-testid="scan-from">${show(step.from)}</strong></label>
      <label>${t("scan.item")}<strong data-testid="scan-item">${show(step.item)}</strong></label>
      ${step.item && step.item.lot ? html`<${EntityActions} kind="LOT" id=${step.item.lot.id} label=${step.item.lot.code}/>` : null}
      <label>${t("scan.to")}<strong data-testid="scan-to">${show(step.to)}</strong></label>
      <label>${t("scan.qty")}<input class="big" type="number" inputmode="decimal" min="0" step="any" value=${qty} onInput=${(e) => setQty(e.target.value)}/></label>
      <div class="row">
        <button class="big" onClick=${() => { setStep({}); setMsg(null); }}>${t("scan.reset")}</button>
        <button class="big primary" data-testid="scan-submit" disabled=${busy || need !== null || !(Number(qty) > 0)} onClick=${move}>${t("scan.move")}</button>
      </div>
    </div>`}
  </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
