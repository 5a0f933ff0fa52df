// The console page kit: what a plugin's page imports (`import {html, gql, t} from "/console/static/kit.js"`).
// preact + htm for the UI, Chart.js (loaded on first use by ChartView) for charts, a GraphQL client
// over /graphql with the signed-in user's token (queries, graphql-transport-ws subscriptions,
// multipart uploads), the language dictionary, and inputs for barcode scanners and cameras.
import { h, html, render, useState, useEffect, useRef, useMemo, useCallback } from "./vendor/preact-htm.mjs";

export { h, html, render, useState, useEffect, useRef, useMemo, useCallback };

// ------------------------------------------------------------------ session
export const session = {
  get token() { return localStorage.getItem("tenon.token"); },
  get username() { return localStorage.getItem("tenon.user"); },
  user: null, // {username, roles, attributes} after sign-in
  signIn(token, user) { localStorage.setItem("tenon.token", token); localStorage.setItem("tenon.user", user.username); session.user = user; },
  signOut() { localStorage.removeItem("tenon.token"); localStorage.removeItem("tenon.user"); session.user = null; },
};

export class GraphQLError extends Error {
  constructor(err) {
    super(err.message || String(err));
    this.code = (err.extensions && err.extensions.code) || "ERROR";
    this.field = err.extensions && err.extensions.field;
  }
}

const listeners = new Set();
/** Called with the error when a request comes back UNAUTHENTICATED (the shell shows the sign-in). */
export function onUnauthenticated(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function answer(body) {
  if (body.errors && body.errors.length) {
    const err = new GraphQLError(body.errors[0]);
    if (err.code === "UNAUTHENTICATED") listeners.forEach((fn) => fn(err));
    throw err;
  }
  return body.data;
}

function authHeaders() {
  const token = session.token;
  return token ? { Authorization: "Bearer " + token } : {};
}

/** One GraphQL operation; resolves to `data`, rejects with a GraphQLError (its `code` and `field`).
 * A mutation sends an Idempotency-Key, so a retry on a flaky connection changes nothing twice. */
export async function gql(query, variables = {}, { retries = 2 } = {}) {
  const headers = { "Content-Type": "application/json", ...authHeaders() };
  if (/^\s*mutation\b/.test(query)) headers["Idempotency-Key"] = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now();
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    } catch (netErr) {
      if (attempt < retries) { await new Promise((r) => setTimeout(r, 500 * (attempt + 1))); continue; }
      throw new GraphQLError({ message: t("kit.offline"), extensions: { code: "NETWORK" } });
    }
    return answer(await res.json());
  }
}

/** Upload a file by the GraphQL multipart request spec and link it to a record. */
export async function upload(file, entityType, entityId) {
  const query = "mutation($file: Upload!, $t: String, $i: String) { attachmentUpload(file: $file, entityType: $t, entityId: $i) { id filename contentType size } }";
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables: { file: null, t: entityType, i: String(entityId) } }));
  form.append("map", JSON.stringify({ 0: ["variables.file"] }));
  form.append("0", file, file.name || "photo.jpg");
  const res = await fetch("/graphql", { method: "POST", headers: authHeaders(), body: form });
  return answer(await res.json()).attachmentUpload;
}

/** A graphql-transport-ws subscription: `onNext(data)` per result; returns a function that stops it.
 * It reconnects after a dropped connection (shop-floor Wi-Fi). */
export function subscribe(query, variables, onNext, onError) {
  let ws, closed = false, timer;
  const open = () => {
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql", "graphql-transport-ws");
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: "Bearer " + session.token } }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === "connection_ack") ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
      else if (msg.type === "next") { try { onNext(answer(msg.payload)); } catch (e) { onError && onError(e); } }
      else if (msg.type === "error") onError && onError(new GraphQLError(msg.payload[0] || {}));
      else if (msg.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
    };
    ws.onclose = () => { if (!closed) timer = setTimeout(open, 3000); };
  };
  open();
  return () => { closed = true; clearTimeout(timer); try { ws.close(); } catch (e) { /* already closed */ } };
}

// ------------------------------------------------------------------ i18n
export const LANGUAGES = ["en", "zh-CN"];
const dict = { en: {}, "zh-CN": {} };
let current = localStorage.getItem("tenon.lang") ||
  ((navigator.languages || [navigator.language || "en"]).some((l) => /^zh/i.test(l)) ? "zh-CN" : "en");
if (!LANGUAGES.includes(current)) current = "en";

/** Merge `{"en": {...}, "zh-CN": {...}}` into the dictionary (the shell does this for each page's `messages`). */
export function addMessages(messages) {
  for (const l of LANGUAGES) Object.assign(dict[l], (messages && messages[l]) || {});
}
/** The whole dictionary (every label loaded so far, by language). */
export function dictionary() { return dict; }
export function lang() { return current; }
export function setLang(l) { current = LANGUAGES.includes(l) ? l : "en"; localStorage.setItem("tenon.lang", current); document.documentElement.lang = current; }
/** The label `key` in the current language, `{name}` replaced from `vars`; the key itself when missing. */
export function t(key, vars = {}) {
  const s = dict[current][key] ?? dict.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ""));
}
export function fmt(n, digits = 1) {
  if (n === null || n === undefined || n === "") return "–";
  const x = Number(n);
  return Number.isFinite(x) ? x.toLocaleString(current, { maximumFractionDigits: digits }) : String(n);
}

// ------------------------------------------------------------------ dates
export function isoDate(d) { const z = new Date(d); return z.toISOString().slice(0, 10); }
export function today() { return isoDate(new Date()); }
export function addDays(day, n) { const d = new Date(day + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + n); return isoDate(d); }
export function daysBetween(a, b) { return Math.round((new Date(b + "T00:00:00Z") - new Date(a + "T00:00:00Z")) / 86400000); }

// ------------------------------------------------------------------ hooks
/** Run `query` whenever `variables` change; `{data, error, loading, reload}`. */
export function useQuery(query, variables = {}) {
  const key = JSON.stringify(variables);
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql(query, variables).then((data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, [query, key, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

/** The page's filter values, kept in the URL (`#/orders/progress?from=...`), so a wall screen keeps them. */
export function useParams(defaults) {
  const read = () => {
    const q = new URLSearchParams((location.hash.split("?")[1]) || "");
    const out = { ...defaults };
    for (const k of Object.keys(defaults)) if (q.has(k)) out[k] = q.get(k);
    return out;
  };
  const [params, setParams] = useState(read);
  const update = (patch) => {
    const next = { ...params, ...patch };
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v !== "" && v !== null && v !== undefined && v !== defaults[k]) q.set(k, v);
    const base = location.hash.split("?")[0];
    history.replaceState(null, "", base + (q.toString() ? "?" + q : ""));
    setParams(next);
  };
  return [params, update];
}

// ------------------------------------------------------------------ components
/** A camera icon (inline SVG: no icon font or emoji font needed). */
export const cameraIcon = html`<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2"
  stroke-linecap="round" stroke-linejoin="round"><path d="M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z"/><circle cx="12" cy="13.5" r="3.5"/></svg>`;

/** A Chart.js chart; `data`/`options` as Chart.js takes them. Updates in place when they change. */
let chartLib = null;
/** Chart.js, loaded on first use (a terminal page without charts never downloads it). */
export function loadChart() {
  if (!chartLib) {
    chartLib = window.Chart ? Promise.resolve(window.Chart) : new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = "/console/static/vendor/chart.umd.min.js";
      el.onload = () => resolve(window.Chart);
      el.onerror = () => { chartLib = null; reject(new Error("Chart.js did not load")); };
      document.head.appendChild(el);
    });
  }
  return chartLib;
}

export function ChartView({ type, data, options = {}, testid, height = 260 }) {
  const canvas = useRef(null), chart = useRef(null), latest = useRef(null);
  const config = () => ({ type, data: latest.current.data, options: { responsive: true, maintainAspectRatio: false, animation: false, ...latest.current.options } });
  latest.current = { data, options };
  useEffect(() => {
    let live = true;
    loadChart().then((Chart) => { if (live && canvas.current) chart.current = new Chart(canvas.current, config()); }, () => {});
    return () => { live = false; if (chart.current) chart.current.destroy(); chart.current = null; };
  }, [type]);
  useEffect(() => {
    if (!chart.current) return;
    const c = config();
    chart.current.data = c.data;
    chart.current.options = c.options;
    chart.current.update();
  }, [JSON.stringify(data), JSON.stringify(options)]);
  return html`<div class="chart" style=${"height:" + height + "px"} data-testid=${testid}><canvas ref=${canvas}></canvas></div>`;
}

/** The figures behind a chart as a table (readable on any screen; what the tests compare). */
export function Figures({ columns, rows, testid, empty }) {
  if (!rows.length) return html`<p class="empty" data-testid=${testid}>${empty || t("kit.noData")}</p>`;
  return html`<div class="figures"><table data-testid=${testid}>
    <thead><tr>${columns.map((c) => html`<th>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr class=${r._class || ""} data-key=${r._key || ""}>${columns.map((c) => html`<td data-col=${c.key}>${c.format ? c.format(r[c.key], r) : r[c.key]}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

export function Kpi({ label, value, hint, testid, tone }) {
  return html`<div class=${"kpi " + (tone || "")} data-testid=${testid}><div class="kpi-label">${label}</div><div class="kpi-value">${value}</div>${hint ? html`<div class="kpi-hint">${hint}</div>` : null}</div>`;
}

export function Panel({ title, children, testid, wide }) {
  return html`<section class=${"panel" + (wide ? " wide" : "")} data-testid=${testid}><h2>${title}</h2>${children}</section>`;
}

export function Loading({ error }) {
  return error ? html`<p class="error" role="alert">${error.message}</p>` : html`<p class="loading">${t("kit.loading")}</p>`;
}

/** Period filter (from/to) plus optional selects: `<Filters value=${p} onChange=${set} fields=${[...]}/>`. */
export function Filters({ value, onChange, selects = [] }) {
  return html`<form class="filters" onSubmit=${(e) => e.preventDefault()}>
    <label>${t("kit.from")} <input type="date" name="from" value=${value.from} onChange=${(e) => onChange({ from: e.target.value })}/></label>
    <label>${t("kit.to")} <input type="date" name="to" value=${value.to} onChange=${(e) => onChange({ to: e.target.value })}/></label>
    ${selects.filter((s) => s.options).map((s) => html`<label>${s.label} <select name=${s.name} value=${value[s.name] || ""} onChange=${(e) => onChange({ [s.name]: e.target.value })}>
      <option value="">${t("kit.all")}</option>
      ${s.options.map((o) => html`<option value=${o.value} selected=${o.value === value[s.name]}>${o.label}</option>`)}
    </select></label>`)}
  </form>`;
}

/** A scan field: a USB/PDA scanner types the code and Enter (keyboard wedge); the camera button reads a
 * barcode with the browser's BarcodeDetector where it has one. `onScan(code)`. */
export function ScanInput({ onScan, placeholder, testid = "scan-input" }) {
  const [code, setCode] = useState("");
  const [camera, setCamera] = useState(false);
  const submit = (e) => { e.preventDefault(); const c = code.trim(); if (c) { onScan(c); setCode(""); } };
  return html`<div class="scan">
    <form onSubmit=${submit} class="scan-form">
      <input class="big" data-testid=${testid} autofocus inputmode="text" autocomplete="off" placeholder=${placeholder || t("kit.scan")}
        value=${code} onInput=${(e) => setCode(e.target.value)}/>
      <button class="big" type="submit">${t("kit.open")}</button>
      ${"BarcodeDetector" in window ? html`<button class="big" type="button" aria-label=${t("kit.camera")} onClick=${() => setCamera(!camera)}>${cameraIcon}</button>` : null}
    </form>
    ${camera ? html`<${CameraScan} onScan=${(c) => { setCamera(false); onScan(c); }}/>` : null}
  </div>`;
}

function CameraScan({ onScan }) {
  const video = useRef(null);
  useEffect(() => {
    let stream, stop = false;
    const detector = new window.BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then((s) => {
      stream = s; video.current.srcObject = s; video.current.play();
      const look = async () => {
        if (stop) return;
        try { const found = await detector.detect(video.current); if (found.length) { onScan(found[0].rawValue); return; } } catch (e) { /* next frame */ }
        setTimeout(look, 250);
      };
      look();
    }, () => {});
    return () => { stop = true; stream && stream.getTracks().forEach((tr) => tr.stop()); };
  }, []);
  return html`<video class="camera" ref=${video} playsinline muted></video>`;
}

// ------------------------------------------------------------------ entity actions (extension point)
// A page shows what it is about (a receipt, a lot, a work order) and offers the actions that OTHER
// installed plugins contribute for that kind of record, without importing them:
//   html`<${EntityActions} kind="LOT" id=${lot.id} label=${lot.code}/>`
// A plugin contributes actions by exporting `actions` from one of its page modules:
//   export const actions = { LOT: [{ key: "print-label", component: PrintLabel }], ... };
// each component gets `{kind, id, label}`. The kit imports the modules of the pages the signed-in
// user may see (consolePages), so an action is offered only to users allowed that page's permission,
// and only while its plugin is installed. Page modules therefore keep their top level free of side effects.
let contributed = null, contributedFor = null;
function loadContributions() {
  if (!contributed || contributedFor !== session.token) {
    contributedFor = session.token;
    contributed = gql("{ consolePages { plugin moduleUrl } }").then(async (d) => {
      const seen = new Set(), out = [];
      for (const p of d.consolePages) {
        if (seen.has(p.moduleUrl)) continue;
        seen.add(p.moduleUrl);
        try {
          const m = await import(p.moduleUrl);
          if (m.actions) { addMessages(m.messages); out.push({ plugin: p.plugin, actions: m.actions }); }
        } catch (e) { /* a page that does not load contributes nothing */ }
      }
      return out;
    }, () => { contributed = null; return []; });
  }
  return contributed;
}
/** The actions installed plugins contribute for records of `kind` (e.g. "LOT"): `[{plugin, key, component}]`. */
export async function entityActions(kind) {
  return (await loadContributions()).flatMap((c) => (c.actions[kind] || []).map((a) => ({ ...a, plugin: c.plugin })));
}
/** Renders the contributed actions for one record (nothing when no plugin contributes one). */
export function EntityActions({ kind, id, label }) {
  const [list, setList] = useState([]);
  useEffect(() => { let live = true; entityActions(kind).then((l) => live && setList(l)); return () => { live = false; }; }, [kind]);
  if (!id || !list.length) return null;
  return html`<div class="entity-actions row" data-testid=${"actions-" + kind}>${list.map((a) =>
    html`<${a.component} key=${a.plugin + ":" + a.key} kind=${kind} id=${id} label=${label}/>`)}</div>`;
}

addMessages({
  en: { "kit.loading": "Loading…", "kit.noData": "No data for this selection.", "kit.from": "From", "kit.to": "To",
    "kit.all": "All", "kit.scan": "Scan or type a code", "kit.open": "Open", "kit.offline": "No connection to the server; try again.", "kit.camera": "Scan with the camera" },
  "zh-CN": { "kit.loading": "加载中…", "kit.noData": "所选范围内没有数据。", "kit.from": "从", "kit.to": "到",
    "kit.all": "全部", "kit.scan": "扫码或输入编码", "kit.open": "打开", "kit.offline": "无法连接服务器，请重试。", "kit.camera": "用摄像头扫码" },
});
