// Draws the dashboard from window.HARNESS_DATA (written by `harness report`).
// Every number shown is computed by the harness; this script only lays it
// out. Charts are drawn as SVG when they come near the viewport, so a page
// of hundreds of charts with a thousand points each opens quickly.
"use strict";
(function () {
  const D = window.HARNESS_DATA;
  const $ = (s) => document.querySelector(s);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  // Worst first: the order of the judge's Verdict, with "not measured" last.
  const SEVERITY = { gate_failed: 6, regressed: 5, warn: 3, pass: 2, improved: 1 };
  const VERDICT_NAME = { gate_failed: "GATE FAILED", regressed: "REGRESSED", warn: "warn", pass: "pass", improved: "improved" };
  const STATE_TEXT = { suspect: "one run beyond the band (not yet confirmed)", regressed: "regression (confirmed, open)", improved: "improvement (new level)", skipped: "machine outlier run (not judged)" };

  function fmt(v, unit) {
    if (v == null || !isFinite(v)) return "–";
    const a = Math.abs(v);
    const p = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
    if (unit === "ns") {
      if (a >= 1e9) return p(v / 1e9) + " s";
      if (a >= 1e6) return p(v / 1e6) + " ms";
      if (a >= 1e3) return p(v / 1e3) + " µs";
      return p(v) + " ns";
    }
    if (unit === "bytes") {
      if (a >= 1 << 30) return p(v / (1 << 30)) + " GiB";
      if (a >= 1 << 20) return p(v / (1 << 20)) + " MiB";
      if (a >= 1 << 10) return p(v / (1 << 10)) + " KiB";
      return p(v) + " B";
    }
    if (a >= 1e9) return p(v / 1e9) + "G";
    if (a >= 1e6) return p(v / 1e6) + "M";
    if (a >= 1e4) return p(v / 1e3) + "k";
    return a >= 100 ? v.toFixed(0) : p(v);
  }
  const pct = (r) => (r >= 1 ? "+" : "") + ((r - 1) * 100).toFixed(1) + "%";
  const date = (ms) => new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  const status = (r) => r.verdict || "none";

  if (!D || !D.runs || D.runs.length === 0) {
    $("#summary").textContent = "No runs recorded.";
    $("#empty").hidden = false;
    return;
  }
  const runTime = D.runs.map((r) => Date.parse(r.time));

  // ---- header ----
  const counts = {};
  for (const r of D.rows) counts[status(r)] = (counts[status(r)] || 0) + 1;
  const countText = Object.keys(counts)
    .sort((a, b) => (SEVERITY[b] || 0) - (SEVERITY[a] || 0))
    .map((k) => `${counts[k]} ${VERDICT_NAME[k] || "not in latest run"}`)
    .join(", ");
  const last = D.runs[D.runs.length - 1];
  $("#summary").textContent =
    `${D.runs.length} runs of ${D.benches.length} benches on ${D.machine} (profile ${D.profile}); ` +
    `latest ${last.commit ? last.commit.slice(0, 10) : last.id} at ${date(runTime[runTime.length - 1])}. ${countText}.`;
  $("#warnings").innerHTML = D.warnings.map((w) => `<li>${esc(w)}</li>`).join("");
  $("#overview").hidden = false;
  $("#charts").hidden = false;

  // ---- culprits found by bisect ----
  const commitRef = (sha) => {
    const short = esc(String(sha).slice(0, 10));
    if (!D.commit_url || !/^[0-9a-f]{4,64}$/.test(sha)) return `<code>${short}</code>`;
    return `<a href="${esc(D.commit_url.replace("{sha}", sha))}" rel="noopener"><code>${short}</code></a>`;
  };
  const culprits = D.culprits || [];
  if (culprits.length > 0) {
    $("#culprits").hidden = false;
    $("#culprit-list").innerHTML = culprits
      .map((c) => {
        const benches = c.benches
          .map((b) => {
            const ci = b.lower != null && b.upper != null ? ` (${pct(b.lower)}..${pct(b.upper)})` : "";
            return `<li><code>${esc(b.bench)}</code> ${esc(b.metric)}: ${b.ratio != null ? esc(pct(b.ratio)) : "–"}${esc(ci)}, ${b.rounds} rounds</li>`;
          })
          .join("");
        const skipped = c.or_skipped.length
          ? ` (or one of the unbuildable commits just before it: ${c.or_skipped.map(commitRef).join(", ")})`
          : "";
        return `<li>${commitRef(c.commit)} ${esc(c.summary)}${skipped}, between ${commitRef(c.good)} and ${commitRef(c.bad)}<ul>${benches}</ul></li>`;
      })
      .join("");
  }

  // ---- overview table ----
  const tbody = $("#table tbody");
  const rows = D.rows.map((r, i) => ({ r, i, stem: D.benches.find((b) => b.id === r.bench).stem }));
  const sortValue = {
    bench: (x) => x.r.bench,
    system: (x) => x.r.system,
    metric: (x) => x.r.metric,
    latest: (x) => x.r.latest ?? -Infinity,
    baseline: (x) => x.r.baseline ?? -Infinity,
    change: (x) => (x.r.change ? x.r.change.ratio : -Infinity),
    gate: (x) => x.r.gate,
    control: (x) => x.r.control,
    verdict: (x) => SEVERITY[x.r.verdict] || 0,
  };
  let sortKey = "verdict";
  let sortDir = -1;
  function renderTable() {
    const f = sortValue[sortKey];
    rows.sort((a, b) => {
      const x = f(a), y = f(b);
      const c = x < y ? -1 : x > y ? 1 : 0;
      return c * sortDir || a.r.bench.localeCompare(b.r.bench) || a.r.metric.localeCompare(b.r.metric);
    });
    tbody.innerHTML = rows
      .map(({ r, stem }) => {
        const ch = r.change
          ? pct(r.change.ratio) + (r.change.lower != null ? ` (${pct(r.change.lower)}..${pct(r.change.upper)})` : "")
          : "–";
        const v = status(r);
        return `<tr data-system="${esc(r.system)}" data-metric="${esc(r.metric)}" data-status="${v}" data-bench="${esc(r.bench)}">` +
          `<td class="bench"><a href="#bench-${esc(stem)}">${esc(r.bench)}</a></td><td>${esc(r.system)}</td><td>${esc(r.metric)}</td>` +
          `<td class="num">${fmt(r.latest, r.unit)}</td><td class="num">${fmt(r.baseline, r.unit)}</td><td class="num">${ch}</td>` +
          `<td>${esc(r.gate || "–")}</td><td>${esc(r.control)}</td>` +
          `<td><span class="verdict v-${v}">${VERDICT_NAME[v] || "not measured"}</span>` +
          (r.why.length ? `<div class="why">${esc(r.why.join("; "))}</div>` : "") + `</td></tr>`;
      })
      .join("");
    for (const th of document.querySelectorAll("#table th")) {
      th.className = (th.classList.contains("num") ? "num " : "") + (th.dataset.key === sortKey ? (sortDir > 0 ? "asc" : "desc") : "");
    }
    applyFilter();
  }
  for (const th of document.querySelectorAll("#table th")) {
    th.addEventListener("click", () => {
      sortDir = th.dataset.key === sortKey ? -sortDir : 1;
      sortKey = th.dataset.key;
      renderTable();
    });
  }
  function fillSelect(sel, values, label) {
    for (const v of [...new Set(values)].sort()) {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = label ? label(v) : v;
      sel.appendChild(o);
    }
  }
  fillSelect($("#f-system"), D.rows.map((r) => r.system));
  fillSelect($("#f-metric"), D.rows.map((r) => r.metric));
  fillSelect($("#f-status"), D.rows.map(status), (v) => VERDICT_NAME[v] || "not measured");

  function applyFilter() {
    const text = $("#f-text").value.trim().toLowerCase();
    const sys = $("#f-system").value, met = $("#f-metric").value, st = $("#f-status").value;
    let shown = 0;
    const benchShown = new Set();
    for (const tr of tbody.rows) {
      const ok = (!text || tr.dataset.bench.toLowerCase().includes(text)) && (!sys || tr.dataset.system === sys) &&
        (!met || tr.dataset.metric === met) && (!st || tr.dataset.status === st);
      tr.classList.toggle("hidden", !ok);
      if (ok) { shown++; benchShown.add(tr.dataset.bench); }
    }
    $("#f-count").textContent = `${shown} of ${tbody.rows.length} rows`;
    for (const sec of document.querySelectorAll(".bench-section")) sec.classList.toggle("hidden", !benchShown.has(sec.dataset.bench));
    for (const c of document.querySelectorAll(".chart")) c.hidden = !!met && c.dataset.metric !== met;
  }
  for (const id of ["#f-text", "#f-system", "#f-metric", "#f-status"]) $(id).addEventListener("input", applyFilter);

  // ---- charts ----
  const W = 600, H = 260, M = { l: 62, r: 12, t: 14, b: 34 };
  const tip = $("#tip");
  const drawn = new Set();

  function chartSvg(chart, log) {
    const s = chart;
    const n = s.value.length;
    const xs = s.run.map((i) => runTime[i]);
    let lo = Infinity, hi = -Infinity;
    const see = (v) => { if (v != null && isFinite(v) && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } };
    for (let i = 0; i < n; i++) {
      see(s.value[i]); see(s.lo[i]); see(s.hi[i]);
      if (s.center[i] != null) { see(s.center[i] + 3 * s.sigma[i]); see(s.center[i] - 3 * s.sigma[i]); }
    }
    // Gates far above the data would flatten it: those are named, not drawn.
    const span = hi - lo || Math.abs(hi) || 1;
    const offChart = [];
    for (const g of s.gates) for (const [v, kind] of [[g.max, "gate"], [g.goal, "goal"]]) {
      if (v == null) continue;
      if (v <= Math.max(hi + 2 * span, hi * 1.5)) see(v); else offChart.push(`${kind} (${g.statistic}) ${fmt(v, s.unit)}`);
    }
    if (lo === hi) { lo = lo * 0.95; hi = hi * 1.05 || 1; }
    const pad = log ? 0 : (hi - lo) * 0.05;
    const y0 = log ? Math.log10(lo) : lo - pad, y1 = log ? Math.log10(hi) : hi + pad;
    const x0 = xs[0], x1 = xs[n - 1] === x0 ? x0 + 1 : xs[n - 1];
    const X = (t) => M.l + ((t - x0) / (x1 - x0)) * (W - M.l - M.r) + (n === 1 ? (W - M.l - M.r) / 2 : 0);
    const Y = (v) => H - M.b - (((log ? Math.log10(Math.max(v, lo)) : v) - y0) / (y1 - y0)) * (H - M.t - M.b);
    const out = [];
    // axes and ticks
    for (let k = 0; k <= 4; k++) {
      const yv = y0 + ((y1 - y0) * k) / 4;
      const v = log ? Math.pow(10, yv) : yv;
      const y = Y(v);
      out.push(`<line class="grid" x1="${M.l}" x2="${W - M.r}" y1="${y}" y2="${y}"/><text x="${M.l - 4}" y="${y + 3}" text-anchor="end">${fmt(v, s.unit)}</text>`);
    }
    const ticks = Math.min(4, n - 1);
    for (let k = 0; k <= ticks; k++) {
      const t = ticks === 0 ? x0 : x0 + ((x1 - x0) * k) / ticks;
      out.push(`<text x="${X(t)}" y="${H - M.b + 14}" text-anchor="middle">${new Date(t).toISOString().slice(0, 10)}</text>`);
    }
    out.push(`<line class="axis" x1="${M.l}" x2="${W - M.r}" y1="${H - M.b}" y2="${H - M.b}"/>`);
    // control band and center line, drawn per stretch of runs with limits
    let band = [], upper = [], lower = [], center = [], centerPts = [];
    const flushBand = () => {
      if (upper.length) {
        band.push(`<path class="band" d="M${upper.join("L")}L${lower.reverse().join("L")}Z"/>`);
        center.push(`<path class="center" d="M${centerPts.join("L")}"/>`);
      }
      upper = []; lower = []; centerPts = [];
    };
    for (let i = 0; i < n; i++) {
      if (s.center[i] == null) { flushBand(); continue; }
      const x = X(xs[i]).toFixed(1);
      upper.push(`${x},${Y(s.center[i] + 3 * s.sigma[i]).toFixed(1)}`);
      lower.push(`${x},${Y(s.center[i] - 3 * s.sigma[i]).toFixed(1)}`);
      centerPts.push(`${x},${Y(s.center[i]).toFixed(1)}`);
    }
    flushBand();
    out.push(band.join(""), center.join(""));
    // gates and goals
    for (const g of s.gates) {
      for (const [v, cls] of [[g.max, "gate"], [g.goal, "goal"]]) {
        if (v == null || v > hi) continue;
        const y = Y(v);
        out.push(`<line class="${cls}" x1="${M.l}" x2="${W - M.r}" y1="${y}" y2="${y}"/><text x="${W - M.r}" y="${y - 3}" text-anchor="end">${cls} (${esc(g.statistic)}) ${fmt(v, s.unit)}</text>`);
      }
    }
    // change points: a vertical marker where the new level begins
    for (const c of s.change_points) {
      const x = X(xs[c]);
      const run = D.runs[s.run[c]];
      out.push(`<line class="cp" x1="${x}" x2="${x}" y1="${M.t}" y2="${H - M.b}"/><text class="cp-label" x="${x + 3}" y="${M.t + 8}">step at ${esc(run.commit ? run.commit.slice(0, 7) : run.id)}</text>`);
    }
    // series line, intervals, points
    out.push(`<path class="line" d="M${xs.map((t, i) => `${X(t).toFixed(1)},${Y(s.value[i]).toFixed(1)}`).join("L")}"/>`);
    const ci = [];
    for (let i = 0; i < n; i++) {
      if (s.lo[i] == null) continue;
      const x = X(xs[i]).toFixed(1);
      ci.push(`M${x},${Y(s.lo[i]).toFixed(1)}V${Y(s.hi[i]).toFixed(1)}`);
    }
    if (ci.length) out.push(`<path class="ci" d="${ci.join("")}"/>`);
    const flagAt = new Map(s.flags.map((f) => [f.at, f]));
    const r = n > 300 ? 1.6 : 2.8;
    const pts = [];
    for (let i = 0; i < n; i++) {
      const f = flagAt.get(i);
      const cls = f ? `pt flag${f.up ? "" : " down"}` : "pt";
      pts.push(`<circle class="${cls}" data-i="${i}" cx="${X(xs[i]).toFixed(1)}" cy="${Y(s.value[i]).toFixed(1)}" r="${f ? r + 1 : r}"/>`);
    }
    out.push(pts.join(""));
    // name the rule at the start of each flagged stretch
    let prev = -2;
    for (const f of s.flags) {
      if (f.at !== prev + 1) out.push(`<text class="rule" x="${X(xs[f.at]) + 4}" y="${Y(s.value[f.at]) - 6}">${esc(f.state)}</text>`);
      prev = f.at;
    }
    out.push(`<line class="cursor" x1="0" x2="0" y1="${M.t}" y2="${H - M.b}" visibility="hidden"/>`);
    return { svg: `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${out.join("")}</svg>`, X, xs, offChart };
  }

  function nearest(xs, X, px) {
    let a = 0, b = xs.length - 1;
    while (b - a > 1) { const m = (a + b) >> 1; if (X(xs[m]) < px) a = m; else b = m; }
    return Math.abs(X(xs[a]) - px) <= Math.abs(X(xs[b]) - px) ? a : b;
  }

  function tipHtml(s, i) {
    const run = D.runs[s.run[i]];
    const f = s.flags.find((g) => g.at === i);
    const parts = [];
    parts.push(run.commit ? `<span class="sha">${esc(run.commit.slice(0, 10))}</span>${run.dirty ? " (dirty)" : ""} ${esc(run.message || "(message not in this repository)")}` : `run ${esc(run.id)} (no commit)`);
    if (run.commit_time != null) parts.push(`committed ${date(run.commit_time * 1000)}`);
    parts.push(`measured ${date(runTime[s.run[i]])}`);
    parts.push(`<b>${fmt(s.value[i], s.unit)}</b>` + (s.lo[i] != null ? ` (95% CI ${fmt(s.lo[i], s.unit)} – ${fmt(s.hi[i], s.unit)})` : ""));
    if (s.center[i] != null) parts.push(`limits ${fmt(s.center[i] - 3 * s.sigma[i], s.unit)} – ${fmt(s.center[i] + 3 * s.sigma[i], s.unit)}, center ${fmt(s.center[i], s.unit)}`);
    else parts.push("no limits yet (fewer than 5 earlier runs of this level)");
    if (f) parts.push(`<span class="flagtext">${esc(STATE_TEXT[f.state] || f.state)} (${f.up ? "slower/bigger" : "faster/smaller"})</span>`);
    if (s.change_points.includes(i)) parts.push(`<span class="flagtext">change point: a new level begins here</span>`);
    return parts.join("<br>");
  }

  function drawChart(el) {
    const bench = D.benches[+el.dataset.b];
    const s = bench.charts[+el.dataset.c];
    const log = $("#f-log").checked;
    const n = s.value.length;
    const head = `<div class="title">${esc(s.metric)}${s.unit ? ` (${esc(s.unit)})` : ""} · ${n} run${n === 1 ? "" : "s"}` +
      (s.flags.length ? ` · ${s.flags.length} flagged` : "") + (s.change_points.length ? ` · ${s.change_points.length} change point${s.change_points.length > 1 ? "s" : ""}` : "") +
      (n < D.runs.length ? ` · missing from ${D.runs.length - n} runs` : "") + `</div>`;
    const c = chartSvg(s, log);
    const off = c.offChart.length ? `<div class="title">off the chart: ${esc(c.offChart.join(", "))}</div>` : "";
    const single = n === 1 ? `<div class="title">only one run so far: no trend or limits yet</div>` : "";
    el.innerHTML = head + c.svg + off + single;
    el.dataset.points = String(n);
    el.dataset.flags = String(s.flags.length);
    el.dataset.band = String(el.querySelectorAll("path.band").length);
    const svg = el.querySelector("svg");
    const cursor = svg.querySelector(".cursor");
    const toLocal = (ev) => {
      const box = svg.getBoundingClientRect();
      return ((ev.clientX - box.left) / box.width) * W;
    };
    svg.addEventListener("mousemove", (ev) => {
      const i = nearest(c.xs, c.X, toLocal(ev));
      const x = c.X(c.xs[i]);
      cursor.setAttribute("x1", x); cursor.setAttribute("x2", x); cursor.setAttribute("visibility", "visible");
      tip.innerHTML = tipHtml(s, i);
      tip.hidden = false;
      const left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      tip.style.left = left + "px";
      tip.style.top = ev.clientY + 14 + "px";
      svg.style.cursor = D.commit_url && D.runs[s.run[i]].commit ? "pointer" : "default";
    });
    svg.addEventListener("mouseleave", () => { tip.hidden = true; cursor.setAttribute("visibility", "hidden"); });
    svg.addEventListener("click", (ev) => {
      const run = D.runs[s.run[nearest(c.xs, c.X, toLocal(ev))]];
      if (D.commit_url && run.commit) window.open(D.commit_url.replace("{sha}", run.commit), "_blank", "noopener");
    });
    drawn.add(el);
  }

  // Sections in the overview's default order: the worst verdict first.
  const worst = {};
  for (const r of D.rows) worst[r.bench] = Math.max(worst[r.bench] || 0, SEVERITY[r.verdict] || 0);
  const order = D.benches.map((b, bi) => bi).sort((a, b) => worst[D.benches[b].id] - worst[D.benches[a].id] || a - b);
  const container = $("#benches");
  container.innerHTML = order
    .map((bi) => {
      const b = D.benches[bi];
      const links = [];
      if (b.flamegraph) links.push(`<a href="${esc(b.flamegraph)}">flamegraph</a>`);
      if (b.criterion) links.push(`<a href="${esc(b.criterion)}">Criterion report</a>`);
      return `<section class="bench-section" id="bench-${esc(b.stem)}" data-bench="${esc(b.id)}"><header><h3>${esc(b.id)}</h3>${links.join(" ")}</header><div class="charts">` +
        b.charts.map((c, ci) => `<div class="chart" data-b="${bi}" data-c="${ci}" data-metric="${esc(c.metric)}"><div class="note">${esc(c.metric)}: drawing…</div></div>`).join("") +
        `</div></section>`;
    })
    .join("");
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting && !drawn.has(e.target)) { drawChart(e.target); observer.unobserve(e.target); }
  }, { rootMargin: "400px" });
  for (const el of document.querySelectorAll(".chart")) observer.observe(el);
  $("#f-log").addEventListener("change", () => { for (const el of drawn) drawChart(el); });

  renderTable();
  document.body.dataset.ready = "1";
})();
