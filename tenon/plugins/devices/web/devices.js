// devices: the devices card — devices by health, print jobs by state, MQTT message counters, the
// silent devices, and the registry with each device's health and when it was last seen.
import { html, render, useQuery, Kpi, Panel, Figures, Loading, t, fmt } from "/console/static/kit.js";

export const messages = {
  en: {
    "dev.health": "Devices by health", "dev.jobs": "Print jobs", "dev.accepted": "Messages accepted", "dev.rejected": "Messages rejected",
    "dev.silent": "Silent devices", "dev.list": "Devices", "dev.code": "Code", "dev.name": "Name", "dev.kind": "Kind",
    "dev.state": "Health", "dev.lastSeen": "Last seen", "dev.never": "never", "dev.none": "None",
    "dev.health.OK": "OK", "dev.health.SILENT": "Silent", "dev.health.UNKNOWN": "Unknown", "dev.health.ERROR": "Error",
    "dev.kind.LABEL_PRINTER": "Label printer", "dev.kind.TERMINAL": "Terminal", "dev.kind.MACHINE": "Machine",
    "dev.job.QUEUED": "Queued", "dev.job.SENT": "Sent", "dev.job.FAILED": "Failed",
  },
  "zh-CN": {
    "dev.health": "设备健康", "dev.jobs": "打印任务", "dev.accepted": "已接收消息", "dev.rejected": "已拒收消息",
    "dev.silent": "失联设备", "dev.list": "设备", "dev.code": "编码", "dev.name": "名称", "dev.kind": "类型",
    "dev.state": "健康", "dev.lastSeen": "最近在线", "dev.never": "从未", "dev.none": "无",
    "dev.health.OK": "正常", "dev.health.SILENT": "失联", "dev.health.UNKNOWN": "未知", "dev.health.ERROR": "错误",
    "dev.kind.LABEL_PRINTER": "标签打印机", "dev.kind.TERMINAL": "终端", "dev.kind.MACHINE": "设备",
    "dev.job.QUEUED": "排队中", "dev.job.SENT": "已发送", "dev.job.FAILED": "失败",
  },
};

const QUERY = `{ deviceDashboard { byHealth { key count } printJobs { key count } messagesAccepted messagesRejected silent { code } }
  devices(first: 100) { nodes { id code name kind health lastSeenAt active } } }`;

const when = (v) => (v ? new Date(v).toLocaleString() : t("dev.never"));

function Page() {
  const { data, error } = useQuery(QUERY);
  if (!data) return html`<${Loading} error=${error}/>`;
  const d = data.deviceDashboard;
  const label = (prefix, key) => t(prefix + "." + String(key).toUpperCase());
  return html`<div class="grid" data-testid="devices">
    <div class="kpis">
      ${d.byHealth.map((c) => html`<${Kpi} testid=${"health-" + c.key} label=${label("dev.health", c.key)} value=${fmt(c.count, 0)} tone=${/silent|error/i.test(c.key) ? "bad" : ""}/>`)}
      <${Kpi} testid="msg-accepted" label=${t("dev.accepted")} value=${fmt(d.messagesAccepted, 0)}/>
      <${Kpi} testid="msg-rejected" label=${t("dev.rejected")} value=${fmt(d.messagesRejected, 0)}/>
    </div>
    <${Panel} title=${t("dev.jobs")} testid="jobs-panel">
      <${Figures} testid="print-jobs" columns=${[{ key: "state", label: t("dev.state") }, { key: "count", label: "#" }]}
        rows=${d.printJobs.map((c) => ({ _key: c.key, state: label("dev.job", c.key), count: c.count }))}/>
      <p>${t("dev.silent")}: <span data-testid="silent">${d.silent.map((s) => s.code).join(", ") || t("dev.none")}</span></p>
    <//>
    <${Panel} title=${t("dev.list")} testid="devices-panel" wide=${true}>
      <${Figures} testid="device-list" columns=${[
        { key: "code", label: t("dev.code") }, { key: "name", label: t("dev.name") }, { key: "kind", label: t("dev.kind") },
        { key: "health", label: t("dev.state") }, { key: "lastSeen", label: t("dev.lastSeen") }]}
        rows=${data.devices.nodes.map((n) => ({ _key: n.code, _class: n.health === "SILENT" ? "late" : "", code: n.code, name: n.name,
          kind: label("dev.kind", n.kind), health: label("dev.health", n.health), lastSeen: when(n.lastSeenAt) }))}/>
    <//>
  </div>`;
}

export default function mount(el) {
  render(html`<${Page}/>`, el);
  return () => render(null, el);
}
