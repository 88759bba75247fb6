// Headless-browser test of the `harness report` site. Usage:
//   node test.mjs WORK_DIR SCREENSHOT_DIR
// WORK_DIR holds site-small (36 runs with a step in ntu/observe/w16),
// site-big (1,000 runs × 100 benches) and site-empty (a site whose data holds no run), written
// by scripts/test.d/30-browser.sh. Exits non-zero on the first failed check.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import vm from "node:vm";
import { chromium } from "playwright-core";

const [work, shots] = process.argv.slice(2);
if (!work || !shots) throw new Error("usage: node test.mjs WORK_DIR SCREENSHOT_DIR");
await mkdir(shots, { recursive: true });

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

// A tiny static server on 127.0.0.1, one per site.
function serve(root) {
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/\/$/, "/index.html");
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

async function pageData(site) {
  const ctx = { window: {} };
  vm.runInNewContext(await readFile(path.join(site, "data.js"), "utf8"), ctx);
  return ctx.window.HARNESS_DATA;
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// A fresh profile each time; playwright passes it as --user-data-dir.
const browser = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), "harness-chromium-")), {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

async function open(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.ready === "1" || !document.querySelector("#empty").hidden);
  return { page, errors, ms: Date.now() - t0 };
}

async function drawAll(page) {
  // Charts are drawn when they come near the viewport: scroll each in.
  const n = await page.locator(".chart").count();
  for (let i = 0; i < n; i++) await page.locator(".chart").nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => document.querySelectorAll(".chart[data-points]").length === n, n);
}

try {
  // ---- the realistic history with an injected step ----
  const smallDir = path.resolve(work, "site-small");
  const data = await pageData(smallDir);
  const { server, url } = await serve(smallDir);
  const { page, errors } = await open(url);
  const charts = data.benches.flatMap((b) => b.charts.map((c) => ({ bench: b.id, metric: c.metric, points: c.value.length })));
  check((await page.locator("section.bench-section").count()) === data.benches.length, `a section per bench (${data.benches.length})`);
  check((await page.locator(".chart").count()) === charts.length, `a chart per bench and metric (${charts.length})`);
  await drawAll(page);
  const drawn = await page.$$eval(".chart", (els) => els.map((e) => ({
    b: +e.dataset.b, c: +e.dataset.c, points: +e.dataset.points, circles: e.querySelectorAll("circle.pt").length,
  })));
  const want = (d) => data.benches[d.b].charts[d.c].value.length;
  check(drawn.length === charts.length && drawn.every((d) => d.points === want(d) && d.circles === want(d)),
    `each chart has its number of points (${charts.map((c) => c.points).join(", ")})`);
  check(charts.some((c) => c.points < data.runs.length), "a metric missing from some runs has fewer points");
  const stepped = page.locator("#bench-ntu__observe__w16 .chart[data-metric=wall_time_ns]");
  check((await stepped.locator("path.band").count()) > 0, "the regressed bench has a control band");
  check((await stepped.locator("circle.flag").count()) > 0, "the regressed bench has flagged points");
  check(["suspect", "regressed"].includes(await stepped.locator("text.rule").first().textContent()), "the flag names its state");
  check((await stepped.locator("line.cp").count()) === 1, "the regressed bench has one change point marker");
  check((await stepped.locator("line.gate").count()) === 1 && (await stepped.locator("line.goal").count()) === 1, "gate and goal lines drawn");
  check((await stepped.locator("path.ci").count()) === 1, "confidence intervals drawn");
  check((await page.locator('#bench-ntu__observe__w16 a[href$="flamegraph.svg"]').count()) === 1, "flamegraph link present");
  check((await page.locator("section.bench-section").first().getAttribute("data-bench")) === "ntu/observe/w16", "the regressed bench's charts come first");
  const firstVerdict = await page.locator("#table tbody tr").first().getAttribute("data-status");
  check(["regressed", "drift", "gate_failed"].includes(firstVerdict), `regressions first (first row: ${firstVerdict})`);

  // The filter: typing hides rows, selecting a status hides rows.
  const total = await page.locator("#table tbody tr").count();
  await page.fill("#f-text", "ntu/");
  const visible = await page.locator("#table tbody tr:not(.hidden)").count();
  const expected = data.rows.filter((r) => r.bench.includes("ntu/")).length;
  check(visible === expected && visible < total, `text filter shows ${visible} of ${total} rows (expected ${expected})`);
  check((await page.locator("section.bench-section.hidden").count()) > 0, "text filter hides bench sections");
  await page.fill("#f-text", "");
  await page.selectOption("#f-status", firstVerdict);
  const byStatus = await page.locator("#table tbody tr:not(.hidden)").count();
  check(byStatus === data.rows.filter((r) => r.verdict === firstVerdict).length && byStatus < total, `status filter shows ${byStatus} rows`);
  await page.selectOption("#f-status", "");
  await page.check("#f-log");
  check((await stepped.locator("circle.pt").count()) === charts.find((c) => c.bench === "ntu/observe/w16" && c.metric === "wall_time_ns").points, "log scale redraws");
  await page.uncheck("#f-log");

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, "overview.png") });
  // The regressed bench, with the tooltip of its first flagged point.
  const section = page.locator("#bench-ntu__observe__w16");
  await section.scrollIntoViewIfNeeded();
  const flag = stepped.locator("circle.flag").first();
  const box = await flag.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tip = await page.locator("#tip").textContent();
  check(tip.includes("Switch ntu/observe/w16") && (tip.includes("regression") || tip.includes("beyond the band")), "tooltip shows the commit message and the rule");
  await page.screenshot({ path: path.join(shots, "regressed-bench.png"), clip: await section.boundingBox().then((b) => ({ x: 0, y: b.y, width: 1400, height: Math.min(b.height + 140, 1000 - b.y) })) });
  // The bisected culprit, with a hostile commit subject shown as text.
  check(!(await page.locator("#culprits").isHidden()), "the culprits section is shown");
  const culprit = await page.locator("#culprit-list").textContent();
  check(culprit.includes("<img src=x onerror=window.pwned=1>") && culprit.includes("+31.0%"), "the culprit's subject is text, with the bench's change");
  check((await page.locator("#culprit-list img").count()) === 0 && !(await page.evaluate(() => window.pwned)), "no markup from the subject runs");
  check((await page.locator('#culprit-list a[href$="/commit/cccccccccccccccccccccccccccccccccccccccc"]').count()) === 1, "the culprit links to its commit");
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  server.close();

  // ---- the same site from file:// ----
  const fromFile = await open("file://" + path.join(smallDir, "index.html"));
  check(fromFile.errors.length === 0 && (await fromFile.page.locator(".chart").count()) === charts.length, "opens from file:// without errors");

  // ---- no history ----
  const empty = await serve(path.resolve(work, "site-empty"));
  const e = await open(empty.url);
  check(await e.page.locator("#empty").isVisible(), "empty history shows its notice");
  check(e.errors.length === 0, "empty page has no console errors");
  empty.server.close();

  // ---- load time at 1,000 runs × 100 benches ----
  const bigDir = path.resolve(work, "site-big");
  const bigData = await pageData(bigDir);
  const big = await serve(bigDir);
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const b = await open(big.url);
    await b.page.waitForFunction(() => document.querySelectorAll(".chart[data-points]").length >= 2);
    const nav = await b.page.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0];
      return { dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
    });
    const firstCharts = Date.now() - t0;
    const t1 = Date.now();
    await drawAll(b.page);
    times.push({ ...nav, ready: b.ms, firstCharts, allCharts: Date.now() - t1 });
    const pts = await b.page.$eval(".chart[data-points]", (e) => +e.dataset.points);
    if (i === 0) {
      check(pts === bigData.benches[0].charts[0].value.length, `big history: first chart has ${pts} points`);
      check(b.errors.length === 0, "big history: no console errors");
      await b.page.screenshot({ path: path.join(shots, "big-overview.png") });
    }
    await b.page.close();
  }
  big.server.close();
  const size = (await readFile(path.join(bigDir, "data.js"))).length;
  console.log(`load time, ${bigData.runs.length} runs × ${bigData.benches.length} benches (data.js ${(size / 1e6).toFixed(1)} MB): ` +
    times.map((t) => `DOMContentLoaded ${t.dcl} ms, load ${t.load} ms, page ready ${t.ready} ms, first charts drawn ${t.firstCharts} ms, scrolling through all charts ${t.allCharts} ms`).join("; "));
} finally {
  await browser.close();
}
if (failures) {
  console.error(`${failures} browser checks failed`);
  process.exit(1);
}
console.log("browser test: all checks passed");
