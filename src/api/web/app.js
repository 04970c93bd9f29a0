// The scheduler's desk: one page over the service's /v1 routes. No framework, no build step,
// nothing fetched from outside this service. The API key lives in sessionStorage (this tab
// only); what the user was typing lives in localStorage, so a reload or a lost session never
// loses a half-entered referral.

const TIERS = {
  rapid: { colour: "#d55e00", label: "Rapid", shape: "diamond" },
  fast: { colour: "#e69f00", label: "Fast", shape: "triangle" },
  normal: { colour: "#56b4e9", label: "Normal", shape: "square" },
  planned: { colour: "#009e73", label: "Planned", shape: "circle" },
};
const READINESS = [
  ["#2c7bb6", "within 1 h"], ["#abd9e9", "1–2 h"], ["#ffffbf", "2–3 h"], ["#fdae61", "over 3 h"], ["#d7191c", "no one"],
];
const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

const S = {
  key: sessionStorage.getItem("carerota.key") || "",
  me: null,
  areas: [],
  screen: "today",
  plan: null, // the plan job (without its plan)
  versions: [],
  version: null,
  doc: null, // plan.json of the version
  geo: null, // routes.geojson of the version
  scenario: null, // scenario.json of the version
  map: null, // {svg, proj, base viewBox, vb}
  mapArea: null,
  pickedPoint: null,
  lastRecommendation: null,
  polls: {},
};

// ---------- small helpers ----------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function status(text, bad = false) {
  const s = $("status");
  s.textContent = text || "";
  s.classList.toggle("bad", !!bad);
}

class ApiError extends Error {
  constructor(httpStatus, body) {
    const e = (body && body.error) || {};
    super(e.message || `the service answered ${httpStatus}`);
    this.status = httpStatus;
    this.code = e.code || "error";
    this.path = e.path;
    this.hint = e.hint;
    this.problems = e.problems || [];
    this.latestVersion = e.latest_version;
    this.requestId = e.request_id;
  }
  explain() {
    let t = this.message;
    if (this.path) t += ` (at ${this.path})`;
    if (this.hint) t += `. ${this.hint}`;
    for (const p of this.problems.slice(0, 5)) t += ` · ${p.path}: ${p.message}`;
    return t;
  }
}

async function api(method, path, body, { text = false, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${S.key}` };
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, { error: { code: "unreachable", message: "the service cannot be reached; nothing was changed", hint: "check the connection and try again" } });
  }
  if (res.status === 401 && path !== "/v1/me") {
    signOut("Your key was refused (revoked or expired): sign in again. What you typed is kept.");
  }
  if (!res.ok) {
    let b = null;
    try { b = await res.json(); } catch (_) { /* not JSON */ }
    throw new ApiError(res.status, b);
  }
  if (raw) return res;
  if (text) return res.text();
  if (res.status === 204) return null;
  return res.json();
}

function may(route) {
  return !!(S.me && S.me.may.includes(route));
}

function save(name, value) {
  try { localStorage.setItem(`carerota.${name}`, JSON.stringify(value)); } catch (_) { /* full or private */ }
}
function load(name, fallback) {
  try {
    const v = localStorage.getItem(`carerota.${name}`);
    return v === null ? fallback : JSON.parse(v);
  } catch (_) { return fallback; }
}

function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
function nowHm() {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

// Minutes from local midnight of `day` (YYYY-MM-DD) for a wall-clock time as the service writes
// it: `YYYY-MM-DDTHH:MM[:SS][offset]` or `HH:MM`.
function minutesOf(t, day) {
  if (!t) return null;
  const m = /^(?:(\d{4})-(\d{2})-(\d{2})[T ])?(\d{2}):(\d{2})(?::(\d{2}))?/.exec(t);
  if (!m) return null;
  let days = 0;
  if (m[1] && day) {
    const a = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    const [y, mo, d] = day.split("-").map(Number);
    days = Math.round((a - Date.UTC(y, mo - 1, d)) / 86400000);
  }
  return days * 1440 + (+m[4]) * 60 + (+m[5]) + (m[6] ? +m[6] / 60 : 0);
}
function hm(mins) {
  if (mins === null || mins === undefined) return "–";
  const day = Math.floor(mins / 1440);
  const r = Math.round(mins - day * 1440);
  const h = Math.floor(r / 60), m = r % 60;
  const s = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
  return day === 0 ? s : `${s} (${day > 0 ? "+" : ""}${day} d)`;
}
function timeText(t) {
  return hm(minutesOf(t, S.doc ? S.doc.date : null));
}
function words(code) {
  return String(code || "").replaceAll("_", " ");
}
function staffName(id) {
  const r = S.doc && S.doc.routes.find((x) => x.staff === id);
  return r ? `${r.name} (${id})` : id;
}

// ---------- sign in ----------

async function signIn(key) {
  S.key = key;
  const me = await api("GET", "/v1/me");
  S.me = me;
  sessionStorage.setItem("carerota.key", key);
  $("role").textContent = `${me.role} key`;
  $("sign-in-screen").hidden = true;
  $("desk").hidden = false;
  $("who").hidden = false;
  $("pickers").hidden = false;
  for (const b of document.querySelectorAll(".tabs button")) {
    const needs = b.dataset.needs;
    b.hidden = !!needs && !may(needs);
  }
  const readsPlans = may("GET /v1/plans");
  $("tab-today").hidden = !readsPlans;
  $("pickers").hidden = !readsPlans;
  if (may("GET /v1/areas")) await loadAreas();
  const screen = location.hash.slice(1);
  const tab = document.querySelector(`.tabs button[data-screen="${screen}"]`);
  const first = [...document.querySelectorAll(".tabs button")].find((b) => !b.hidden);
  show(tab && !tab.hidden ? screen : first ? first.dataset.screen : "today");
  if (readsPlans) {
    try { await refreshPlans(); } catch (e) { status(e.explain ? e.explain() : e.message, true); }
  }
}

function signOut(message) {
  sessionStorage.removeItem("carerota.key");
  S.key = "";
  S.me = null;
  for (const id of Object.keys(S.polls)) clearInterval(S.polls[id]);
  S.polls = {};
  clearDay();
  S.map = null;
  S.mapArea = null;
  $("map").replaceChildren(el("p", { class: "empty" }, "Sign in and pick a day to see its map."));
  $("legend").replaceChildren();
  $("headline").replaceChildren();
  for (const id of ["options", "referral-summary", "referral-diff", "unavailable-diff", "versions-list", "versions-diff", "pd-job", "pd-recent", "rota-job", "st-job", "st-recent", "key-made"]) $(id).replaceChildren();
  status("");
  $("desk").hidden = true;
  $("who").hidden = true;
  $("pickers").hidden = true;
  $("sign-in-screen").hidden = false;
  $("sign-in-error").textContent = message || "";
  $("key").value = "";
  $("key").focus();
}

// ---------- screens ----------

function show(screen) {
  S.screen = screen;
  for (const b of document.querySelectorAll(".tabs button")) {
    const on = b.dataset.screen === screen;
    b.setAttribute("aria-selected", on ? "true" : "false");
    b.tabIndex = on ? 0 : -1;
  }
  for (const p of document.querySelectorAll("[role=tabpanel]")) p.hidden = p.dataset.screen !== screen;
  const full = ["planday", "rota", "study", "keys"].includes(screen);
  $("work").hidden = full;
  $("map").classList.toggle("picking", screen === "referral");
  if (location.hash !== `#${screen}`) history.replaceState(null, "", `#${screen}`);
  if (screen === "versions") renderVersions();
  if (screen === "planday") loadPlanDay();
  if (screen === "rota") loadScenarios($("rota-scenario"));
  if (screen === "study") loadStudies();
  if (screen === "unavailable") fillStaff();
}

// ---------- areas, plans, versions ----------

async function loadAreas() {
  const { areas } = await api("GET", "/v1/areas");
  S.areas = areas;
  for (const sel of [$("area"), $("pd-area"), $("st-area")]) {
    sel.replaceChildren(...areas.map((a) => el("option", { value: a.name }, a.name)));
  }
  const saved = load("area", null);
  const def = areas.find((a) => a.name === saved) || areas.find((a) => a.default) || areas[0];
  if (def) for (const sel of [$("area"), $("pd-area"), $("st-area")]) sel.value = def.name;
  $("date").value = load("date", null) || todayIso();
}

async function refreshPlans(selectId) {
  const area = $("area").value;
  const date = $("date").value;
  save("area", area);
  save("date", date);
  const { plans } = await api("GET", "/v1/plans?limit=200");
  const usable = plans.filter((p) => p.area === area && p.latest_version);
  const today = usable.filter((p) => p.date === date);
  const sel = $("plan");
  sel.replaceChildren(
    ...(today.length ? [] : [el("option", { value: "" }, "(none for this day)")]),
    ...today.map((p) => el("option", { value: p.id }, `${p.created_at.slice(11, 16)} UTC · ${p.profile} · v${p.latest_version}${p.status === "completed" ? "" : ` · ${p.status}`}`)),
  );
  const want = selectId || load("plan", null);
  if (today.some((p) => p.id === want)) sel.value = want;
  if (!today.length) {
    clearDay();
    const days = [...new Set(usable.map((p) => p.date))].slice(0, 8);
    const box = $("headline");
    box.replaceChildren(el("p", {}, `No plan of ${area} for ${date}.`));
    if (days.length) {
      box.append(el("p", {}, "Days with a plan: ", ...days.map((d) => el("button", {
        type: "button", class: "secondary day-link", "data-date": d,
        onclick: () => { $("date").value = d; refreshPlans(); },
      }, d))));
    } else if (may("POST /v1/plans")) {
      box.append(el("p", {}, "Start one in Plan a day."));
    }
    await showMap(area);
    return;
  }
  await openPlan(sel.value);
}

function clearDay() {
  S.plan = null; S.doc = null; S.geo = null; S.scenario = null; S.versions = []; S.version = null;
  $("version").replaceChildren();
  $("timeline").replaceChildren();
  $("unplaced").replaceChildren();
  $("readiness").replaceChildren();
  if (S.map) $("overlay")?.replaceChildren();
}

async function openPlan(id, version) {
  save("plan", id);
  S.plan = await api("GET", `/v1/plans/${id}?plan=false`);
  const { versions } = await api("GET", `/v1/plans/${id}/versions`);
  S.versions = versions;
  const sel = $("version");
  sel.replaceChildren(...versions.map((v) => el("option", { value: v.version }, `v${v.version} · ${v.reason}`)));
  const latest = versions.length ? versions[versions.length - 1].version : null;
  sel.value = String(version || latest);
  await openVersion(Number(sel.value));
}

async function openVersion(n) {
  const id = S.plan.id;
  status(`Opening ${id} version ${n}…`);
  const [doc, geo, scenario] = await Promise.all([
    api("GET", `/v1/plans/${id}/plan.json?version=${n}`),
    api("GET", `/v1/plans/${id}/routes.geojson?version=${n}`),
    api("GET", `/v1/plans/${id}/scenario.json?version=${n}`),
  ]);
  S.version = n; S.doc = doc; S.geo = geo; S.scenario = scenario;
  if (doc.date !== todayIso() && !load("referral", {})["ref-now"]) $("ref-now").value = "10:00";
  await showMap(S.plan.area);
  drawOverlay();
  drawTimeline();
  renderToday();
  fillPersons();
  fillStaff();
  if (S.screen === "versions") renderVersions();
  status(`${S.plan.area}, ${doc.date}: version ${n} of ${S.versions.length}.`);
}

function latestVersion() {
  return S.versions.length ? S.versions[S.versions.length - 1].version : null;
}

// ---------- the map ----------

async function showMap(area) {
  if (S.mapArea === area && S.map) return;
  const text = await api("GET", `/v1/areas/${area}/map.svg`, undefined, { text: true });
  const box = $("map");
  box.innerHTML = text;
  const root = box.querySelector("svg");
  root.removeAttribute("width");
  root.removeAttribute("height");
  root.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const d = root.dataset;
  const proj = {
    west: +d.west, south: +d.south, kx: +d.pxPerDegLon, ky: +d.pxPerDegLat, height: +d.height,
  };
  const [x, y, w, h] = root.getAttribute("viewBox").split(/\s+/).map(Number);
  root.append(svg("g", { id: "overlay" }));
  S.map = { root, proj, base: { x, y, w, h }, vb: { x, y, w, h } };
  S.mapArea = area;
}

function project([lon, lat]) {
  const p = S.map.proj;
  return [(lon - p.west) * p.kx, p.height - (lat - p.south) * p.ky];
}
function unproject(x, y) {
  const p = S.map.proj;
  return [p.west + x / p.kx, p.south + (p.height - y) / p.ky];
}

function setViewBox(vb) {
  S.map.vb = vb;
  S.map.root.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
  const z = S.map.base.w / vb.w;
  for (const m of S.map.root.querySelectorAll(".mk")) {
    m.setAttribute("transform", `translate(${m.dataset.x} ${m.dataset.y}) scale(${1 / Math.sqrt(z)})`);
  }
}

function zoom(factor, cx, cy) {
  if (!S.map) return;
  const vb = S.map.vb;
  const w = Math.min(S.map.base.w * 1.5, Math.max(S.map.base.w / 60, vb.w / factor));
  const f = vb.w / w;
  const x = cx === undefined ? vb.x + vb.w / 2 : cx;
  const y = cy === undefined ? vb.y + vb.h / 2 : cy;
  setViewBox({ x: x - (x - vb.x) / f, y: y - (y - vb.y) / f, w, h: vb.h * (w / vb.w) });
}
function pan(dx, dy) {
  const vb = S.map.vb;
  setViewBox({ ...vb, x: vb.x + dx, y: vb.y + dy });
}
function svgPoint(evt) {
  const pt = S.map.root.createSVGPoint();
  pt.x = evt.clientX; pt.y = evt.clientY;
  return pt.matrixTransform(S.map.root.getScreenCTM().inverse());
}

function marker(kind, [x, y], attrs, title) {
  const r = 5;
  let shape;
  if (kind === "diamond") shape = svg("path", { d: `M0 ${-r * 1.4}L${r * 1.4} 0L0 ${r * 1.4}L${-r * 1.4} 0Z` });
  else if (kind === "triangle") shape = svg("path", { d: `M0 ${-r * 1.3}L${r * 1.2} ${r}L${-r * 1.2} ${r}Z` });
  else if (kind === "square") shape = svg("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r });
  else if (kind === "cross") shape = svg("path", { d: `M${-r} ${-r}L${r} ${r}M${r} ${-r}L${-r} ${r}`, "stroke-width": 3 });
  else shape = svg("circle", { r });
  for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, v);
  const g = svg("g", { class: "mk", "data-x": x.toFixed(1), "data-y": y.toFixed(1), transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` }, shape);
  if (title) g.append(svg("title", {}, title));
  return g;
}

function drawOverlay() {
  const ov = $("overlay");
  if (!ov || !S.geo) return;
  ov.replaceChildren();
  const cells = svg("g", { id: "readiness-layer" });
  const routes = svg("g", { id: "routes-layer" });
  const marks = svg("g", { id: "markers-layer" });
  const counts = [0, 0, 0, 0, 0];
  for (const f of S.geo.features) {
    const p = f.properties;
    if (p.kind === "readiness") {
      const ring = f.geometry.coordinates[0].map(project);
      const xs = ring.map((q) => q[0]), ys = ring.map((q) => q[1]);
      const r = svg("rect", {
        class: "cell", x: Math.min(...xs), y: Math.min(...ys),
        width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys), fill: p.fill,
      }, svg("title", {}, p.label));
      cells.append(r);
      counts[p.band] += 1;
    } else if (p.kind === "route") {
      const d = f.geometry.coordinates.map((c, i) => `${i ? "L" : "M"}${project(c).map((v) => v.toFixed(1)).join(" ")}`).join("");
      routes.append(svg("path", { class: "route", d, stroke: p.colour, "data-staff": p.staff, "vector-effect": "non-scaling-stroke" },
        svg("title", {}, `${p.name} (${p.staff}): ${p.visits} visits, ${p.travel_min} min travel, ${p.distance_km} km`)));
    }
  }
  for (const f of S.geo.features) {
    const p = f.properties;
    const at = f.geometry.type === "Point" ? project(f.geometry.coordinates) : null;
    if (p.kind === "base") {
      marks.append(marker("square", at, { fill: "#1d3557", stroke: "#fff", "stroke-width": 1.5 }, `Base ${p.name} (${p.base})`));
    } else if (p.kind === "visit") {
      const t = TIERS[p.tier] || TIERS.planned;
      const un = p.status !== "served";
      const title = `${p.visit} · ${t.label}${un ? ` · not placed: ${words(p.reason)}` : ` · ${(p.staff || []).join(" + ")} at ${timeText(p.start)}`}`;
      marks.append(marker(un ? "cross" : t.shape, at, un
        ? { stroke: "#b00020", fill: "none", class: "visit unplaced", "data-visit": p.visit }
        : { fill: t.colour, stroke: "#222", "stroke-width": 0.8, class: "visit", "data-visit": p.visit, "data-staff": (p.staff || []).join(" ") }, title));
    }
  }
  ov.append(cells, routes, marks, svg("g", { id: "pick-layer" }));
  cells.style.display = $("show-readiness").checked ? "" : "none";
  setViewBox(S.map.vb);
  drawLegend(counts);
  S.readinessCounts = counts;
}

function drawLegend(counts) {
  const items = Object.values(TIERS).map((t) => el("span", {}, el("span", { class: "sw", style: `background:${t.colour}` }), `${t.label} (${t.shape})`));
  items.push(el("span", {}, "✕ not placed"), el("span", {}, el("span", { class: "sw", style: "background:#1d3557" }), "base"));
  if (counts.some((c) => c)) {
    items.push(el("span", {}, "Readiness:"));
    READINESS.forEach(([c, l]) => items.push(el("span", {}, el("span", { class: "sw", style: `background:${c}` }), l)));
  }
  $("legend").replaceChildren(...items);
}

function highlight(staff) {
  const set = new Set(staff || []);
  for (const r of document.querySelectorAll(".route[data-staff]")) {
    r.classList.toggle("hl", set.has(r.dataset.staff));
    r.classList.toggle("dim", set.size > 0 && !set.has(r.dataset.staff));
  }
  for (const r of document.querySelectorAll(".tl-row[data-staff]")) {
    r.classList.toggle("hl", set.has(r.dataset.staff));
    r.classList.toggle("dim", set.size > 0 && !set.has(r.dataset.staff));
  }
}

function setPick(lon, lat) {
  S.pickedPoint = [lon, lat];
  $("ref-lat").value = lat.toFixed(6);
  $("ref-lon").value = lon.toFixed(6);
  drawPick();
  saveReferralDraft();
}
function drawPick() {
  const layer = $("pick-layer");
  if (!layer) return;
  layer.replaceChildren();
  const lat = parseFloat($("ref-lat").value), lon = parseFloat($("ref-lon").value);
  if (Number.isFinite(lat) && Number.isFinite(lon) && S.map) {
    layer.append(marker("diamond", project([lon, lat]), { fill: "#cc79a7", stroke: "#000", "stroke-width": 1.5, id: "pick-marker" }, "The new referral"));
    setViewBox(S.map.vb);
  }
}

function wireMap() {
  const box = $("map");
  let drag = null;
  box.addEventListener("wheel", (e) => {
    if (!S.map) return;
    e.preventDefault();
    const p = svgPoint(e);
    zoom(e.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
  }, { passive: false });
  box.addEventListener("pointerdown", (e) => {
    if (!S.map) return;
    drag = { x: e.clientX, y: e.clientY, start: svgPoint(e), moved: false };
    box.setPointerCapture(e.pointerId);
  });
  box.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) drag.moved = true;
    if (!drag.moved) return;
    const p = svgPoint(e);
    pan(drag.start.x - p.x, drag.start.y - p.y);
  });
  box.addEventListener("pointerup", (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (!d.moved && S.screen === "referral" && S.map) {
      const [lon, lat] = unproject(d.start.x, d.start.y);
      $("ref-person").value = "";
      setPick(lon, lat);
    }
  });
  box.addEventListener("keydown", (e) => {
    if (!S.map) return;
    const step = S.map.vb.w / 10;
    const k = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (k) { pan(k[0], k[1]); e.preventDefault(); }
    else if (e.key === "+" || e.key === "=") { zoom(1.25); e.preventDefault(); }
    else if (e.key === "-") { zoom(0.8); e.preventDefault(); }
    else if (e.key === "0") { setViewBox({ ...S.map.base }); e.preventDefault(); }
  });
  $("zoom-in").addEventListener("click", () => zoom(1.5));
  $("zoom-out").addEventListener("click", () => zoom(1 / 1.5));
  $("zoom-reset").addEventListener("click", () => S.map && setViewBox({ ...S.map.base }));
  $("show-readiness").addEventListener("change", () => {
    const l = $("readiness-layer");
    if (l) l.style.display = $("show-readiness").checked ? "" : "none";
  });
}

// ---------- the timeline ----------

function drawTimeline() {
  const box = $("timeline");
  box.replaceChildren();
  if (!S.doc) return;
  const day = S.doc.date;
  const routes = [...S.doc.routes].sort((a, b) => (minutesOf(a.shift_start, day) - minutesOf(b.shift_start, day)) || a.staff.localeCompare(b.staff));
  let lo = Infinity, hi = -Infinity;
  for (const r of routes) {
    lo = Math.min(lo, minutesOf(r.shift_start, day));
    hi = Math.max(hi, minutesOf(r.shift_end, day));
  }
  if (!Number.isFinite(lo)) return;
  lo = Math.floor(lo / 60) * 60; hi = Math.ceil(hi / 60) * 60;
  const labelW = 170, rowH = 18, top = 20;
  const width = Math.max(600, box.clientWidth - 4);
  const k = (width - labelW - 8) / (hi - lo);
  const x = (m) => labelW + (m - lo) * k;
  const root = svg("svg", { width, height: top + routes.length * rowH + 4, role: "img", "aria-label": `Timeline of ${routes.length} staff members, ${hm(lo)} to ${hm(hi)}` });
  for (let m = lo; m <= hi; m += 60) {
    root.append(svg("line", { x1: x(m), x2: x(m), y1: top - 4, y2: top + routes.length * rowH, stroke: "#e2e2e2" }));
    const every = Math.max(1, Math.ceil(80 / (60 * k))) * 60;
    if ((m - lo) % every === 0) root.append(svg("text", { x: x(m) + 2, y: 12, "font-size": 11, fill: "#555" }, hm(m)));
  }
  routes.forEach((r, i) => {
    const y = top + i * rowH;
    const g = svg("g", { class: "tl-row", "data-staff": r.staff });
    g.append(svg("text", { x: 4, y: y + 13, "font-size": 12 }, `${r.name}`.slice(0, 14), svg("title", {}, `${r.name} (${r.staff}), ${words(r.discipline)}, base ${r.base}`)));
    g.append(svg("text", { x: 100, y: y + 13, "font-size": 10, fill: "#555" }, words(r.discipline).split(" ").map((w) => w[0]).join("").toUpperCase()));
    const s0 = minutesOf(r.shift_start, day), s1 = minutesOf(r.shift_end, day);
    g.append(svg("rect", { class: "tl-shift", x: x(s0), y: y + 3, width: Math.max(1, (s1 - s0) * k), height: rowH - 6, fill: "#f1f1f1", stroke: "#ccc" },
      svg("title", {}, `Shift ${hm(s0)}–${hm(s1)}`)));
    for (const st of r.stops) {
      const a = minutesOf(st.arrival, day), b = minutesOf(st.start, day), e = minutesOf(st.end, day);
      const tr = (st.travel_s || 0) / 60;
      if (tr > 0) g.append(svg("rect", { x: x(a - tr), y: y + 7, width: Math.max(1, tr * k), height: rowH - 14, fill: "#7f7f7f" }, svg("title", {}, `Travel ${Math.round(tr)} min to ${st.visit}`)));
      const t = TIERS[st.tier] || TIERS.planned;
      g.append(svg("rect", { class: "tl-visit", "data-visit": st.visit, x: x(b), y: y + 2, width: Math.max(2, (e - b) * k), height: rowH - 4, fill: t.colour, stroke: "#222", "stroke-width": 0.5 },
        svg("title", {}, `${st.visit} (${t.label}) ${hm(b)}–${hm(e)}${st.fixed ? ", fixed" : ""}${st.wait_s ? `, waits ${Math.round(st.wait_s / 60)} min` : ""}`)));
    }
    if (r.break && r.break.start) {
      const b0 = minutesOf(r.break.start, day), b1 = minutesOf(r.break.end, day);
      g.append(svg("rect", { x: x(b0), y: y + 5, width: Math.max(1, (b1 - b0) * k), height: rowH - 10, fill: "#fff", stroke: "#000", "stroke-dasharray": "2 2" },
        svg("title", {}, `Break ${hm(b0)}–${hm(b1)}`)));
    }
    root.append(g);
  });
  box.append(root);
}

// ---------- Today ----------

function figure(value, label) {
  return el("div", { class: "figure" }, el("b", {}, value), el("span", {}, label));
}

function renderToday() {
  const d = S.doc;
  const o = d.objective;
  const tiers = ["rapid", "fast", "normal", "planned"].filter((t) => (o.served_by_tier[t] || 0) + (o.unplaced_by_tier[t] || 0) > 0);
  const ot = d.routes.reduce((s, r) => s + (r.overtime_s || 0), 0);
  $("headline").replaceChildren(
    figure(`${o.visits_served}/${o.visits}`, "visits placed"),
    figure(o.visits_unplaced, "not placed"),
    figure(`${o.staff_used}/${o.staff_on_shift}`, "staff used / on shift"),
    figure(`${(o.travel_s / 3600).toFixed(1)} h`, "travel"),
    figure(`${(o.distance_m / 1000).toFixed(0)} km`, "driven"),
    figure(`${Math.round(ot / 60)} min`, "overtime"),
    ...tiers.map((t) => figure(`${o.served_by_tier[t] || 0}/${(o.served_by_tier[t] || 0) + (o.unplaced_by_tier[t] || 0)}`, `${TIERS[t].label} placed`)),
  );
  const un = d.unassigned || [];
  $("unplaced").replaceChildren(un.length
    ? el("table", { id: "unplaced-table" }, el("thead", {}, el("tr", {}, el("th", {}, "Visit"), el("th", {}, "Tier"), el("th", {}, "Window"), el("th", {}, "Why"))),
      el("tbody", {}, un.map((u) => el("tr", {}, el("td", {}, u.visit), el("td", {}, u.tier), el("td", {}, `${timeText(u.earliest_start)}–${timeText(u.latest_start)}`), el("td", {}, words(u.reason) + (u.detail ? `: ${u.detail}` : "") + fitWords(u))))))
    : el("p", {}, "Every visit is placed."));
  const c = S.readinessCounts || [0, 0, 0, 0, 0];
  const total = c.reduce((a, b) => a + b, 0);
  $("readiness").replaceChildren(total
    ? el("div", {},
      el("p", {}, `Worst half hour in core hours, for each of ${total} parts of the area (shaded on the map):`),
      el("table", {}, el("tbody", {}, READINESS.map(([col, l], i) => el("tr", {}, el("td", {}, el("span", { class: "sw", style: `background:${col}` }), " ", l), el("td", {}, `${c[i]} (${Math.round((100 * c[i]) / total)} %)`))))))
    : el("p", {}, S.version > 1 ? "Readiness is assessed when a day is planned (version 1); pick version 1 to see it." : "Not assessed for this plan."));
}

// How many shifts could have taken an unplaced visit (plan.json `shifts_qualified`,
// `shifts_in_hours` and `staff_count`), in the report's words: fewer in hours than the visit
// needs staff means more hands then would place it.
function fitWords(u) {
  const q = u.shifts_qualified;
  if (q == null || q === 0) return "";
  const n = u.shifts_in_hours || 0;
  const need = u.staff_count || 1;
  let w = `${q === 1 ? "1 shift" : `${q} shifts`} qualified, ${n === 0 ? "none" : n} whose hours hold it within its window`;
  if (n < need) w += `${need > 1 ? `, and it needs ${need}` : ""}: more hands then would place it`;
  return ` (${w})`;
}

// ---------- urgent referral ----------

function fillPersons() {
  if (!S.scenario) return;
  const seen = new Map();
  for (const v of S.scenario.visits || []) if (!seen.has(v.person)) seen.set(v.person, v);
  const sel = $("ref-person");
  const keep = sel.value;
  sel.replaceChildren(el("option", { value: "" }, "A new person at the point clicked on the map"),
    ...[...seen.values()].sort((a, b) => a.person.localeCompare(b.person)).map((v) => el("option", { value: v.person }, `${v.person} (visit ${v.id}, ${words(v.discipline)})`)));
  if (seen.has(keep)) sel.value = keep;
}

function fillStaff() {
  const sel = $("un-staff");
  if (!S.doc) { sel.replaceChildren(); return; }
  const keep = sel.value || load("unavailable", {}).staff;
  const seen = new Set();
  const routes = S.doc.routes.filter((r) => !seen.has(r.staff) && seen.add(r.staff));
  sel.replaceChildren(...routes.map((r) => el("option", { value: r.staff }, `${r.name} (${r.staff}), ${words(r.discipline)}, ${timeText(r.shift_start)}–${timeText(r.shift_end)}`)));
  if (S.doc.routes.some((r) => r.staff === keep)) sel.value = keep;
}

const REF_FIELDS = ["ref-person", "ref-new-person", "ref-lat", "ref-lon", "ref-tier", "ref-discipline", "ref-duration", "ref-staff-count", "ref-id", "ref-now"];
function saveReferralDraft() {
  save("referral", Object.fromEntries(REF_FIELDS.map((f) => [f, $(f).value])));
}
function restoreReferralDraft() {
  const d = load("referral", {});
  for (const f of REF_FIELDS) if (d[f] !== undefined && d[f] !== "") $(f).value = d[f];
  if (!$("ref-id").value) $("ref-id").value = newReferralId();
  if (!$("ref-now").value) $("ref-now").value = nowHm();
  if (!$("ref-new-person").value) $("ref-new-person").value = `P${Date.now().toString().slice(-6)}`;
}
function newReferralId() {
  return `R${Date.now().toString(36).toUpperCase().slice(-6)}`;
}

function referralEvents() {
  const day = S.doc.date;
  const now = `${day}T${$("ref-now").value}`;
  const personId = $("ref-person").value;
  let location;
  if (personId) {
    const v = (S.scenario.visits || []).find((x) => x.person === personId);
    location = { lat: v.location.lat, lon: v.location.lon };
  } else {
    const lat = parseFloat($("ref-lat").value), lon = parseFloat($("ref-lon").value);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new Error("Place the visit: click the map, or choose a known person.");
    location = { lat, lon };
  }
  const count = Number($("ref-staff-count").value);
  const visit = {
    id: $("ref-id").value.trim(),
    person: personId || $("ref-new-person").value.trim(),
    location,
    tier: $("ref-tier").value,
    referral: now,
    duration_min: Number($("ref-duration").value),
    discipline: $("ref-discipline").value,
    competences: [],
    staff_count: count,
  };
  if (count === 2) visit.sync = { kind: "simultaneous" };
  return { now, events: { events: [{ type: "referral", visit }] } };
}

async function findOptions() {
  $("options").replaceChildren();
  $("referral-summary").replaceChildren();
  $("referral-diff").replaceChildren();
  $("referral-conflict").hidden = true;
  if (!S.plan) { status("Open a day's plan first.", true); return; }
  let req;
  try { req = referralEvents(); } catch (e) { status(e.message, true); return; }
  status("Ranking the options…");
  const btn = $("find-options");
  btn.disabled = true;
  try {
    const ans = await api("POST", `/v1/plans/${S.plan.id}/recommendations`, { now: req.now, events: req.events, version: S.version });
    S.lastRecommendation = { ...req, version: ans.version };
    renderOptions(ans);
    status(`${ans.referrals[0]?.options.length || 0} option(s) on version ${ans.version}.`);
  } catch (e) {
    status(e.explain ? e.explain() : e.message, true);
  } finally {
    btn.disabled = false;
  }
}

function tellList(o) {
  const staff = new Set(), persons = new Set();
  const byVisit = new Map();
  for (const r of S.doc.routes) for (const s of r.stops) byVisit.set(s.visit, { staff: r.staff, person: s.person });
  for (const r of o.retimed || []) { const v = byVisit.get(r.visit); if (v) { staff.add(v.staff); persons.add(v.person); } }
  for (const h of o.handed_on || []) { staff.add(h.from); staff.add(h.to); const v = byVisit.get(h.visit); if (v) persons.add(v.person); }
  for (const p of o.pushed_out || []) { const v = byVisit.get(p.visit); if (v) { staff.add(v.staff); persons.add(v.person); } }
  for (const s of o.staff) staff.add(s);
  return { staff: [...staff], persons: [...persons] };
}

function renderOptions(ans) {
  const ref = ans.referrals[0];
  if (!ref) return;
  $("referral-summary").replaceChildren(el("p", {},
    `Deadline ${timeText(ref.deadline)}. ${ref.qualified_on_shift} qualified on shift. `,
    ref.earliest_arrival ? `Earliest arrival ${timeText(ref.earliest_arrival)} (${staffName(ref.earliest_staff)}). ` : "",
    ref.on_time ? "" : el("strong", {}, `Cannot be met in time: ${words(ref.why)}.`)));
  const cards = ref.options.map((o) => {
    const tell = tellList(o);
    const late = o.slack_min < 0;
    const card = el("article", { class: "option-card", tabindex: "-1", "data-rank": o.rank, "aria-label": `Option ${o.rank}` },
      el("h4", {}, `${o.rank}. ${o.staff.map(staffName).join(" + ")}`, o.uses_overtime ? el("span", { class: "badge" }, "overtime") : null),
      el("div", {}, `Arrives ${timeText(o.arrival)}, starts ${timeText(o.start)} · `,
        el("span", { class: late ? "late" : "" }, late ? `${-o.slack_min} min late` : `${o.slack_min} min to spare`)),
      el("div", {}, "What moves: ",
        (o.retimed.length + o.handed_on.length + o.pushed_out.length) === 0 ? "nothing else" : [
          o.retimed.length ? `${o.retimed.length} visit(s) retimed (${o.retimed.map((r) => `${r.visit} ${r.moved_min > 0 ? "+" : ""}${r.moved_min} min`).join(", ")})` : "",
          o.handed_on.length ? ` · ${o.handed_on.length} handed on (${o.handed_on.map((h) => `${h.visit}: ${h.from} → ${h.to}`).join(", ")})` : "",
          o.pushed_out.length ? ` · ${o.pushed_out.length} left unplaced (${o.pushed_out.map((p) => `${p.visit}: ${words(p.reason)}`).join(", ")})` : "",
        ]),
      el("div", {}, `Tell: ${tell.staff.map(staffName).join(", ")}${tell.persons.length ? `; people: ${tell.persons.join(", ")}` : ""}`),
      el("button", { type: "button", class: "apply", "data-rank": o.rank, onclick: () => applyReferral(o.rank) }, `Apply option ${o.rank}`));
    const on = () => { card.classList.add("hl"); highlight(o.staff); };
    const off = () => { card.classList.remove("hl"); highlight([]); };
    card.addEventListener("mouseenter", on);
    card.addEventListener("mouseleave", off);
    card.addEventListener("focusin", on);
    card.addEventListener("focusout", off);
    return card;
  });
  $("options").replaceChildren(...(cards.length ? cards : [el("p", {}, "No option: no one qualified can fit it today.")]));
}

async function applyVersion(body, conflictBox, diffBox, retry) {
  conflictBox.hidden = true;
  try {
    const v = await api("POST", `/v1/plans/${S.plan.id}/versions`, body);
    await openPlan(S.plan.id, v.version);
    status(`Version ${v.version} made: ${v.reason}.`);
    diffBox.replaceChildren(renderDiff(v.changes, `Version ${v.version}: what changed from version ${v.parent}`));
    return v;
  } catch (e) {
    if (e.code === "version_conflict") {
      conflictBox.hidden = false;
      conflictBox.replaceChildren(
        el("p", {}, el("strong", {}, "Someone else re-planned first. "), e.message, "."),
        el("p", {}, `Nothing was applied. The latest is version ${e.latestVersion}.`),
        el("button", { type: "button", id: `${conflictBox.id}-refit`, onclick: async () => { conflictBox.hidden = true; await openPlan(S.plan.id, e.latestVersion); await retry(); } }, "Re-fit on the latest version"));
      status(e.explain(), true);
    } else {
      status(e.explain ? e.explain() : e.message, true);
    }
    return null;
  }
}

async function applyReferral(rank) {
  const r = S.lastRecommendation;
  if (!r) return;
  for (const b of document.querySelectorAll(".apply")) b.disabled = true;
  status(`Applying option ${rank}…`);
  const v = await applyVersion({ base_version: r.version, now: r.now, events: r.events, choose: rank }, $("referral-conflict"), $("referral-diff"), findOptions);
  for (const b of document.querySelectorAll(".apply")) b.disabled = false;
  if (v) {
    $("options").replaceChildren();
    $("ref-id").value = newReferralId();
    saveReferralDraft();
  }
}

async function applyUnavailable() {
  if (!S.plan) { status("Open a day's plan first.", true); return; }
  const day = S.doc.date;
  const ev = { type: "staff_unavailable", staff: $("un-staff").value, from: `${day}T${$("un-from").value}` };
  if ($("un-until").value) ev.until = `${day}T${$("un-until").value}`;
  const body = { base_version: S.version, now: `${day}T${$("un-now").value}`, events: { events: [ev] } };
  if (S.version !== latestVersion()) {
    status(`Version ${S.version} is not the latest (${latestVersion()}): open the latest first.`, true);
  }
  status(`Re-planning without ${ev.staff}…`);
  $("un-apply").disabled = true;
  await applyVersion(body, $("unavailable-conflict"), $("unavailable-diff"), async () => { await applyUnavailable(); });
  $("un-apply").disabled = false;
}

function renderDiff(ch, title) {
  if (!ch) return el("p", {}, "No changes recorded.");
  const counts = Object.entries(ch.counts).filter(([k, n]) => n && k !== "unchanged").map(([k, n]) => `${n} ${words(k)}`);
  return el("div", { class: "diff", id: "diff" },
    el("h3", {}, title),
    el("p", {}, counts.length ? counts.join(", ") : "Nothing moved.", ` (${ch.counts.unchanged || 0} unchanged)`),
    ch.visits.some((v) => v.change !== "unchanged") ? el("table", {}, el("thead", {}, el("tr", {}, ["Visit", "Change", "Staff", "Start", "Tell"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ch.visits.filter((v) => v.change !== "unchanged").map((v) => el("tr", {},
        el("td", {}, `${v.visit}${v.part ? ` (part ${v.part + 1})` : ""}`),
        el("td", {}, words(v.change) + (v.reason ? `: ${words(v.reason)}` : "")),
        el("td", {}, v.old_staff && v.new_staff && v.old_staff !== v.new_staff ? `${v.old_staff} → ${v.new_staff}` : (v.new_staff || v.old_staff || "–")),
        el("td", {}, v.old_start && v.new_start && v.old_start !== v.new_start ? `${timeText(v.old_start)} → ${timeText(v.new_start)}` : timeText(v.new_start || v.old_start)),
        el("td", {}, v.tell ? "yes" : ""))))) : null,
    el("h3", {}, "Staff to tell"),
    ch.staff_to_tell.length ? el("ul", {}, ch.staff_to_tell.map((n) => el("li", {}, `${staffName(n.who)}: ${n.visits.join("; ")}`))) : el("p", {}, "No one."),
    el("h3", {}, "People to tell"),
    ch.persons_to_tell.length ? el("ul", {}, ch.persons_to_tell.map((n) => el("li", {}, `${n.who}: ${n.visits.join("; ")}`))) : el("p", {}, "No one."));
}

// ---------- versions ----------

function renderVersions() {
  const box = $("versions-list");
  if (!S.plan) { box.replaceChildren(el("p", {}, "Open a day's plan first.")); return; }
  box.replaceChildren(el("table", { id: "versions-table" },
    el("thead", {}, el("tr", {}, ["", "Made", "By", "Why", "Disruption", ""].map((h) => el("th", {}, h)))),
    el("tbody", {}, [...S.versions].reverse().map((v) => el("tr", { "data-version": v.version, class: v.version === S.version ? "current" : "" },
      el("td", {}, `v${v.version}${v.version === S.version ? " (shown)" : ""}`),
      el("td", {}, v.created_at.replace("T", " ").slice(0, 16) + " UTC"),
      el("td", {}, v.created_by),
      el("td", {}, v.reason),
      el("td", {}, v.disruption ? Object.entries(v.disruption).filter(([, n]) => typeof n === "number" && n).map(([k, n]) => `${n} ${words(k)}`).join(", ") || "none" : "–"),
      el("td", {},
        el("button", { type: "button", class: "secondary", "aria-label": `Show version ${v.version}`, onclick: () => { $("version").value = String(v.version); openVersion(v.version); } }, "Show"),
        v.parent ? el("button", { type: "button", class: "secondary show-diff", "aria-label": `What version ${v.version} changed`, onclick: () => showDiff(v.version) }, "Diff") : null))))));
}

async function showDiff(n) {
  try {
    const ch = await api("GET", `/v1/plans/${S.plan.id}/versions/${n}/diff`);
    $("versions-diff").replaceChildren(renderDiff(ch.changes || ch, `Version ${n}: what changed from its parent`));
  } catch (e) { status(e.explain(), true); }
}

// ---------- jobs: plan a day, rota, study ----------

async function loadScenarios(sel) {
  const { scenarios } = await api("GET", "/v1/scenarios?limit=100");
  const keep = sel.value;
  sel.replaceChildren(...scenarios.map((s) => el("option", { value: s.id }, `${s.name} · ${s.created_at.slice(0, 16).replace("T", " ")} · ${s.id.slice(0, 10)}…`)));
  if (scenarios.some((s) => s.id === keep)) sel.value = keep;
  return scenarios;
}

async function loadPlanDay() {
  const list = await loadScenarios($("pd-scenario"));
  if (!$("pd-date").value) $("pd-date").value = $("date").value;
  if (list.length && !$("pd-date").value) {
    const sc = await api("GET", `/v1/scenarios/${list[0].id}`);
    $("pd-date").value = sc.summary.date;
  }
  const { plans } = await api("GET", "/v1/plans?limit=10");
  $("pd-recent").replaceChildren(el("table", {}, el("thead", {}, el("tr", {}, ["Plan", "Area", "Day", "Status", ""].map((h) => el("th", {}, h)))),
    el("tbody", {}, plans.map((p) => el("tr", {}, el("td", {}, p.id.slice(0, 14) + "…"), el("td", {}, p.area), el("td", {}, p.date), el("td", {}, p.status),
      el("td", {}, el("button", { type: "button", class: "secondary", onclick: () => watchPlan(p.id) }, "Follow")))))));
}

async function storeScenarioFile(file) {
  const text = await file.text();
  const name = file.name.replace(/\.json$/i, "").replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 60) || "scenario";
  const area = $("pd-area").value;
  const sc = await api("POST", `/v1/scenarios?area=${encodeURIComponent(area)}&name=${encodeURIComponent(name)}`, text);
  await loadScenarios($("pd-scenario"));
  $("pd-scenario").value = sc.id;
  $("pd-date").value = sc.summary.date;
  status(`Stored ${sc.name}: ${sc.summary.visits} visits, ${sc.summary.staff} staff${(sc.warnings || []).length ? `, ${sc.warnings.length} warning(s)` : ""}.`);
}

function chart(points) {
  const w = 420, h = 120;
  const root = svg("svg", { width: w, height: h, role: "img", "aria-label": "Best objective over time" });
  root.append(svg("rect", { width: w, height: h, fill: "#fafafa", stroke: "#ddd" }));
  if (points.length >= 1) {
    const xs = points.map((p) => p.elapsed_s), ys = points.map((p) => p.objective);
    const x0 = 0, x1 = Math.max(1, ...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const X = (v) => 40 + ((v - x0) / (x1 - x0 || 1)) * (w - 50);
    const Y = (v) => 10 + (1 - (v - y0) / (y1 - y0 || 1)) * (h - 30);
    let d = "";
    points.forEach((p, i) => { d += `${i ? "L" : "M"}${X(p.elapsed_s).toFixed(1)} ${Y(p.objective).toFixed(1)}`; if (i < points.length - 1) d += `H${X(points[i + 1].elapsed_s).toFixed(1)}`; });
    root.append(svg("path", { d, fill: "none", stroke: "#0072b2", "stroke-width": 2 }));
    root.append(svg("text", { x: 2, y: 14, "font-size": 10 }, Math.round(y1)), svg("text", { x: 2, y: h - 20, "font-size": 10 }, Math.round(y0)));
    root.append(svg("text", { x: w - 40, y: h - 4, "font-size": 10 }, `${x1.toFixed(1)} s`));
  }
  return root;
}

function progressBlock(job, kind) {
  const p = job.progress || {};
  const items = [
    el("p", { class: "job-status", "data-status": job.status }, `${kind} ${job.id}: `, el("strong", {}, job.status), p.stage ? ` · ${p.stage}` : "", p.elapsed_s ? ` · ${p.elapsed_s.toFixed(1)} s` : "", p.iterations ? ` · ${p.iterations} iterations` : ""),
  ];
  if (job.error) items.push(el("p", { class: "error" }, `${job.error.code}: ${job.error.message}`));
  if ((p.best_objective || []).length) items.push(el("h3", {}, "Best objective over time (points; lower is better)"), chart(p.best_objective));
  if ((p.served_by_tier || []).length) {
    items.push(el("h3", {}, "Visits served by tier"), el("div", { class: "bars" }, p.served_by_tier.map((t) => el("div", { class: "bar" },
      el("span", {}, (TIERS[t.tier] || { label: t.tier }).label),
      el("span", { class: "track" }, el("span", { class: "fill", style: `display:block;width:${t.total ? (100 * t.served) / t.total : 0}%;background:${(TIERS[t.tier] || {}).colour || "#0072b2"}` })),
      el("span", {}, `${t.served}/${t.total}`)))));
  }
  return items;
}

function watchJob(kind, url, box, onDone) {
  if (S.polls[box.id]) clearInterval(S.polls[box.id]);
  const tick = async () => {
    let job;
    try { job = await api("GET", url); } catch (e) { status(e.explain ? e.explain() : e.message, true); return; }
    const done = TERMINAL.has(job.status);
    const cancel = !done && !job.cancel_requested
      ? el("button", { type: "button", class: "secondary cancel", onclick: async () => { try { await api("DELETE", url.split("?")[0]); status(`Asked ${job.id} to stop; it keeps its best so far.`); } catch (e) { status(e.explain(), true); } } }, "Cancel")
      : null;
    box.replaceChildren(...[...progressBlock(job, kind), cancel, done ? onDone(job) : null].filter((x) => x));
    if (done) {
      clearInterval(S.polls[box.id]);
      delete S.polls[box.id];
      if (kind === "Plan") loadPlanDay().catch(() => {});
      if (kind === "Study") loadStudies().catch(() => {});
    }
  };
  S.polls[box.id] = setInterval(tick, 1000);
  tick();
}

function watchPlan(id) {
  watchJob("Plan", `/v1/plans/${id}?plan=false`, $("pd-job"), (job) => (job.latest_version
    ? el("button", { type: "button", id: "pd-open", onclick: async () => { $("area").value = job.area; $("date").value = job.date; show("today"); await refreshPlans(job.id); } }, "Open in Today")
    : null));
}

async function startPlan() {
  const file = $("pd-file").files[0];
  try {
    if (file) { await storeScenarioFile(file); $("pd-file").value = ""; }
    const body = { date: $("pd-date").value, area: $("pd-area").value, profile: $("pd-profile").value };
    body.scenario_id = $("pd-scenario").value;
    if (!body.scenario_id) { status("Choose a scenario, or store one from a file.", true); return; }
    const job = await api("POST", "/v1/plans", body);
    status(`Planning ${body.date} as ${job.id}.`);
    watchPlan(job.id);
  } catch (e) { status(e.explain ? e.explain() : e.message, true); }
}

async function startRota() {
  const body = { scenario_id: $("rota-scenario").value, weeks: Number($("rota-weeks").value), desk: $("rota-desk").checked };
  if ($("rota-limit").value) body.time_limit_s = Number($("rota-limit").value);
  try {
    const job = await api("POST", "/v1/rotas", body);
    watchJob("Rota", `/v1/rotas/${job.id}`, $("rota-job"), (j) => (j.summary
      ? el("pre", {}, JSON.stringify(j.summary, null, 2))
      : null));
  } catch (e) { status(e.explain ? e.explain() : e.message, true); }
}

async function loadStudies() {
  if (!may("GET /v1/studies")) return;
  try {
    const { studies } = await api("GET", "/v1/studies?limit=10");
    $("st-recent").replaceChildren(el("table", {}, el("thead", {}, el("tr", {}, ["Study", "Area", "k", "Status", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, studies.map((s) => el("tr", {}, el("td", {}, s.id.slice(0, 14) + "…"), el("td", {}, s.area), el("td", {}, s.k), el("td", {}, s.status),
        el("td", {}, el("button", { type: "button", class: "secondary", onclick: () => watchStudy(s.id) }, "Follow")))))));
  } catch (e) { status(e.explain ? e.explain() : e.message, true); }
}

async function openStudyReport(id) {
  const res = await api("GET", `/v1/studies/${id}/report.html`, undefined, { raw: true });
  const blob = new Blob([await res.text()], { type: "text/html" });
  const frame = el("iframe", { class: "report-frame", title: "Base study report", src: URL.createObjectURL(blob), sandbox: "" });
  return frame;
}

function watchStudy(id) {
  watchJob("Study", `/v1/studies/${id}`, $("st-job"), (job) => (job.status === "completed"
    ? el("div", {}, el("button", { type: "button", id: "st-open", onclick: async (e) => { e.target.replaceWith(await openStudyReport(job.id)); } }, "Open the report"))
    : null));
}

async function startStudy() {
  const body = { area: $("st-area").value, k: Number($("st-k").value), days: Number($("st-days").value), seed: Number($("st-seed").value) };
  try {
    const job = await api("POST", "/v1/studies", body);
    status(`Study ${job.id} started.`);
    watchStudy(job.id);
  } catch (e) { status(e.explain ? e.explain() : e.message, true); }
}

async function makeKey() {
  try {
    const k = await api("POST", "/v1/keys", { role: $("key-role").value, label: $("key-label").value });
    $("key-made").replaceChildren(el("p", {}, `Key ${k.id} for ${k.label} (${k.role}). Copy it now; it is not shown again:`), el("p", { class: "secret" }, k.key));
  } catch (e) { status(e.explain(), true); }
}

// ---------- start ----------

function wire() {
  $("sign-in-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("sign-in-error").textContent = "";
    try { await signIn($("key").value.trim()); } catch (err) {
      S.key = "";
      $("sign-in-error").textContent = err.status === 401 ? "That key is not known or was revoked." : (err.explain ? err.explain() : err.message);
    }
  });
  $("sign-out").addEventListener("click", () => signOut(""));
  for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => show(b.dataset.screen));
  document.querySelector(".tabs").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const tabs = [...document.querySelectorAll(".tabs button")].filter((b) => !b.hidden);
    const i = tabs.findIndex((b) => b.getAttribute("aria-selected") === "true");
    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    show(next.dataset.screen);
    next.focus();
  });
  const guard = (f) => async (...a) => { try { await f(...a); } catch (e) { status(e.explain ? e.explain() : e.message, true); } };
  $("area").addEventListener("change", guard(() => refreshPlans()));
  $("date").addEventListener("change", guard(() => refreshPlans()));
  $("plan").addEventListener("change", guard(() => $("plan").value && openPlan($("plan").value)));
  $("version").addEventListener("change", guard(() => openVersion(Number($("version").value))));
  $("referral-form").addEventListener("submit", (e) => { e.preventDefault(); findOptions(); });
  $("referral-form").addEventListener("input", () => { saveReferralDraft(); drawPick(); });
  $("ref-person").addEventListener("change", () => {
    const v = (S.scenario?.visits || []).find((x) => x.person === $("ref-person").value);
    if (v) { $("ref-lat").value = v.location.lat; $("ref-lon").value = v.location.lon; drawPick(); }
    saveReferralDraft();
  });
  $("unavailable-form").addEventListener("submit", (e) => { e.preventDefault(); applyUnavailable(); });
  $("unavailable-form").addEventListener("input", () => save("unavailable", { staff: $("un-staff").value, from: $("un-from").value, until: $("un-until").value, now: $("un-now").value }));
  $("planday-form").addEventListener("submit", (e) => { e.preventDefault(); startPlan(); });
  $("rota-form").addEventListener("submit", (e) => { e.preventDefault(); startRota(); });
  $("study-form").addEventListener("submit", (e) => { e.preventDefault(); startStudy(); });
  $("keys-form").addEventListener("submit", (e) => { e.preventDefault(); makeKey(); });
  const un = load("unavailable", {});
  $("un-from").value = un.from || nowHm();
  $("un-until").value = un.until || "";
  $("un-now").value = un.now || nowHm();
  restoreReferralDraft();
  wireMap();
  window.addEventListener("resize", () => drawTimeline());
}

wire();
if (S.key) {
  signIn(S.key).catch(() => signOut("Sign in again."));
}
