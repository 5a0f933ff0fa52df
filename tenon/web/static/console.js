// The console shell: sign-in, the navigation of the installed plugins' pages (consolePages),
// language, and the page outlet. It knows no plugin: each page is an ES module that a plugin
// declares with the kernel hook tenon_web_pages and that renders itself into the outlet.
import { html, render, useState, useEffect, useRef, gql, session, onUnauthenticated, addMessages, t, lang, setLang, LANGUAGES } from "./kit.js";

addMessages({
  en: {
    "shell.signIn": "Sign in", "shell.username": "Username", "shell.password": "Password", "shell.signOut": "Sign out",
    "shell.badLogin": "Wrong username or password.", "shell.noPages": "No pages for your role: ask an administrator.",
    "shell.gone": "This page is not available (its plugin is not installed, or your role may not open it).",
    "shell.api": "GraphQL API", "shell.language": "Language", "shell.dashboards": "Dashboards", "shell.terminals": "Terminals",
    "shell.title": "Tenon console", "shell.pageError": "The page failed to load: {message}",
  },
  "zh-CN": {
    "shell.signIn": "登录", "shell.username": "用户名", "shell.password": "密码", "shell.signOut": "退出",
    "shell.badLogin": "用户名或密码错误。", "shell.noPages": "您的角色没有可用页面，请联系管理员。",
    "shell.gone": "此页面不可用（插件未安装，或您的角色无权打开）。",
    "shell.api": "GraphQL 接口", "shell.language": "语言", "shell.dashboards": "看板", "shell.terminals": "终端",
    "shell.title": "Tenon 控制台", "shell.pageError": "页面加载失败：{message}",
  },
});

const LANG_NAMES = { en: "English", "zh-CN": "中文" };
const PAGES_QUERY = "{ me { username displayName roles attributes } consolePages { path plugin kind title moduleUrl } }";
const REFRESH_MS = 15000;

function LangSwitch({ onChange }) {
  return html`<select class="lang" aria-label=${t("shell.language")} data-testid="lang" value=${lang()}
    onChange=${(e) => { setLang(e.target.value); onChange(); }}>
    ${LANGUAGES.map((l) => html`<option value=${l} selected=${l === lang()}>${LANG_NAMES[l]}</option>`)}
  </select>`;
}

function SignIn({ onDone, rerender }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    setBusy(true); setError(null);
    try {
      const d = await gql("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username displayName roles attributes } } }",
        { u: f.get("username"), p: f.get("password") });
      session.signIn(d.login.token, d.login.user);
      onDone();
    } catch (err) {
      setError(err.code === "UNAUTHENTICATED" || err.code === "VALIDATION" ? t("shell.badLogin") : err.message);
    } finally { setBusy(false); }
  };
  return html`<main class="signin">
    <form onSubmit=${submit} data-testid="signin">
      <h1>${t("shell.title")}</h1>
      <label>${t("shell.username")}<input class="big" name="username" autocomplete="username" required autofocus/></label>
      <label>${t("shell.password")}<input class="big" name="password" type="password" autocomplete="current-password" required/></label>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <button class="big primary" type="submit" disabled=${busy}>${t("shell.signIn")}</button>
      <${LangSwitch} onChange=${rerender}/>
    </form>
  </main>`;
}

function currentPath() { return (location.hash.replace(/^#\/?/, "").split("?")[0]) || ""; }

const loaded = new Map(); // moduleUrl -> module

function Outlet({ page, ctx }) {
  const el = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let cleanup = null, live = true;
    setError(null);
    const load = loaded.has(page.moduleUrl) ? Promise.resolve(loaded.get(page.moduleUrl)) : import(page.moduleUrl);
    load.then((mod) => {
      loaded.set(page.moduleUrl, mod);
      if (!live) return;
      addMessages(mod.messages);
      el.current.innerHTML = "";
      cleanup = mod.default(el.current, ctx);
    }, (err) => live && setError(err));
    return () => { live = false; if (typeof cleanup === "function") cleanup(); };
  }, [page.moduleUrl, page.path, ctx.lang]);
  return html`<div class=${"page page-" + page.kind} data-page=${page.path}>
    ${error ? html`<p class="error" role="alert">${t("shell.pageError", { message: error.message })}</p>` : null}
    <div ref=${el}></div></div>`;
}

function Shell({ rerender }) {
  const [me, setMe] = useState(null);
  const [pages, setPages] = useState(null);
  const [path, setPath] = useState(currentPath());
  const [, setTick] = useState(0);
  const refresh = () => gql(PAGES_QUERY).then((d) => { session.user = d.me; setMe(d.me); setPages(d.consolePages); }, () => {});
  useEffect(() => {
    refresh();
    const onHash = () => { setPath(currentPath()); refresh(); };
    window.addEventListener("hashchange", onHash);
    const timer = setInterval(refresh, REFRESH_MS); // a plugin installed or uninstalled meanwhile
    return () => { window.removeEventListener("hashchange", onHash); clearInterval(timer); };
  }, []);
  if (!pages) return html`<p class="loading">${t("kit.loading")}</p>`;
  const page = pages.find((p) => p.path === path);
  if (!path && pages.length) { location.replace("#/" + pages[0].path); return null; }
  const title = (p) => p.title[lang()] || p.title.en;
  const group = (kind) => pages.filter((p) => p.kind === kind);
  const ctx = { lang: lang(), t, gql, user: me };
  return html`<div class=${"shell" + (page && page.kind === "terminal" ? " terminal" : "")}>
    <header>
      <a class="brand" href="#/">Tenon</a>
      <nav data-testid="nav">
        ${["dashboard", "terminal"].map((kind) => group(kind).length ? html`<span class="navgroup" title=${t(kind === "dashboard" ? "shell.dashboards" : "shell.terminals")}>
          ${group(kind).map((p) => html`<a href=${"#/" + p.path} data-path=${p.path} class=${p.path === path ? "active" : ""}>${title(p)}</a>`)}
        </span>` : null)}
      </nav>
      <span class="who" data-testid="who">${me ? me.displayName || me.username : ""}</span>
      <${LangSwitch} onChange=${() => { setTick((x) => x + 1); rerender(); }}/>
      <a class="api" href="/graphql" target="_blank">${t("shell.api")}</a>
      <button class="signout" onClick=${() => { gql("mutation { logout }").catch(() => {}); session.signOut(); rerender(); }}>${t("shell.signOut")}</button>
    </header>
    <main>
      ${!pages.length ? html`<p class="empty">${t("shell.noPages")}</p>`
        : page ? html`<h1 class="page-title">${title(page)}</h1><${Outlet} key=${page.path + lang()} page=${page} ctx=${ctx}/>`
        : html`<p class="error" data-testid="gone">${t("shell.gone")}</p>`}
    </main>
  </div>`;
}

function App() {
  const [n, setN] = useState(0);
  const rerender = () => setN(n + 1);
  // a token that expired or was revoked: back to the sign-in (a failed sign-in itself has no token yet)
  useEffect(() => onUnauthenticated(() => { if (session.token) { session.signOut(); setN((x) => x + 1); } }), []);
  document.documentElement.lang = lang();
  document.title = t("shell.title");
  return session.token ? html`<${Shell} key=${"s" + n} rerender=${rerender}/>` : html`<${SignIn} key=${"i" + n} onDone=${rerender} rerender=${rerender}/>`;
}

const root = document.getElementById("app");
root.textContent = "";
render(html`<${App}/>`, root);
