/**
 * `npm run bench [-- browse copy probes]`: runs the selected benchmarks (all by default) one after
 * another, prints each result as Markdown, and writes docs/benchmarks.md. A benchmark not run this
 * time keeps its previous section in that file, so one can be re-run alone.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { machineFacts, type MachineFacts } from "./machine";
import { log, markdownTable, verdict, type BenchResult } from "./stats";

type BenchFn = () => Promise<BenchResult>;

interface BenchEntry {
  name: string;
  /** module in bench/, and the exported function's name */
  file: string;
  exportName: string;
}

const BENCHES: BenchEntry[] = [
  { name: "browse", file: "browse.ts", exportName: "benchBrowse" },
  { name: "copy", file: "copy.ts", exportName: "benchCopy" },
  { name: "probes", file: "probes.ts", exportName: "benchProbes" },
];

/**
 * Targets of benchmarks whose table states them in words but has no verdict column (bench/probes.ts):
 * the verdict is derived here from their figures, so every section of the document ends in PASS/FAIL.
 */
const FIGURE_TARGETS: Record<string, { figure: string; label: string; max: number; unit: string }[]> = {
  probes: [
    { figure: "probe_drift_p95_ms", label: "schedule drift p95", max: 1000, unit: "ms" },
    { figure: "probe_chart_30d_p95_ms", label: "30-day chart query p95", max: 100, unit: "ms" },
  ],
};

function targetTable(name: string, result: BenchResult): string | undefined {
  const targets = FIGURE_TARGETS[name];
  if (!targets || /\b(PASS|FAIL)\b/.test(result.table)) return undefined;
  const rows = targets.map((t) => {
    const value = result.figures[t.figure];
    return [t.label, value === undefined ? "not reported" : `${value} ${t.unit}`, `≤ ${t.max} ${t.unit}`, value === undefined ? "FAIL" : verdict(value, t.max)];
  });
  return markdownTable(["target", "result", "limit", "verdict"], rows);
}

const DOC = path.join(import.meta.dirname, "..", "docs", "benchmarks.md");
const sectionStart = (name: string) => `<!-- bench:${name} -->`;
const sectionEnd = (name: string) => `<!-- /bench:${name} -->`;

/** Accepts the agreed shape, and tolerates close variants (e.g. notes as one string, a `markdown` table). */
function normalize(raw: unknown, name: string): BenchResult {
  const r = (raw ?? {}) as Record<string, unknown>;
  const table = typeof r.table === "string" ? r.table : typeof r.markdown === "string" ? r.markdown : "";
  const notes = Array.isArray(r.notes) ? r.notes.map(String) : typeof r.notes === "string" ? [r.notes] : [];
  const figures: Record<string, number> = {};
  if (r.figures && typeof r.figures === "object") {
    for (const [k, v] of Object.entries(r.figures as Record<string, unknown>)) if (typeof v === "number") figures[k] = v;
  }
  return { title: typeof r.title === "string" ? r.title : name, table: table || "_(no table returned)_", figures, notes };
}

function render(name: string, result: BenchResult, seconds: number, facts: MachineFacts): string {
  const lines = [
    sectionStart(name),
    `## ${result.title}`,
    "",
    `_Run ${facts.date} (load average ${facts.load} at the start of \`npm run bench\`), took ${seconds.toFixed(0)} s (\`npm run bench -- ${name}\`)._`,
    "",
    result.table,
    "",
  ];
  const targets = targetTable(name, result);
  if (targets) lines.push(targets, "");
  if (result.notes?.length) lines.push("How it was measured:", "", ...result.notes.map((n) => `- ${n}`), "");
  if (Object.keys(result.figures).length) {
    lines.push("<details><summary>raw figures</summary>", "", "```json", JSON.stringify(result.figures, null, 2), "```", "", "</details>", "");
  }
  lines.push(sectionEnd(name));
  return lines.join("\n");
}

function renderFailure(name: string, err: unknown, facts: MachineFacts): string {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return [sectionStart(name), `## ${name}`, "", `_Run ${facts.date}: **FAILED to run**_`, "", "```", message.slice(0, 4000), "```", sectionEnd(name)].join("\n");
}

function previousSections(): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(DOC)) return out;
  const text = fs.readFileSync(DOC, "utf8");
  for (const b of BENCHES) {
    const start = text.indexOf(sectionStart(b.name));
    const end = text.indexOf(sectionEnd(b.name));
    if (start >= 0 && end > start) out.set(b.name, text.slice(start, end + sectionEnd(b.name).length));
  }
  return out;
}

function header(facts: MachineFacts): string {
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); each section is replaced when its benchmark runs again. Every figure below comes from real processes on this machine: docker-registry, skopeo, curl and the built app, over loopback.",
    "",
    `Last run: ${facts.date}`,
    "",
    "| machine | |",
    "| --- | --- |",
    `| CPUs (\`nproc\`) | ${facts.nproc} × ${facts.cpu} |`,
    `| memory | ${facts.memory} |`,
    `| load average at start (1/5/15 min) | ${facts.load} — the machine is shared with other work, so figures carry that noise |`,
    `| OS | ${facts.os} |`,
    `| Node.js | ${facts.node} |`,
    `| docker-registry | ${facts.dockerRegistry} |`,
    `| skopeo | ${facts.skopeo} |`,
    `| curl | ${facts.curl} |`,
    "",
  ].join("\n");
}

async function loadBench(entry: BenchEntry): Promise<BenchFn | undefined> {
  const file = path.join(import.meta.dirname, entry.file);
  if (!fs.existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod[entry.exportName] ?? mod.default ?? Object.values(mod).find((v) => typeof v === "function");
  return typeof fn === "function" ? (fn as BenchFn) : undefined;
}

// Ctrl-C or a kill: exit through process.exit so the harness and startApp stop their children.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; choose from ${BENCHES.map((b) => b.name).join(", ")}`);
    process.exit(2);
  }
  const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  const facts = machineFacts();
  const sections = previousSections();
  let failed = 0;

  for (const entry of selected) {
    const fn = await loadBench(entry);
    if (!fn) {
      log(`${entry.name}: bench/${entry.file} (export ${entry.exportName}) not found, skipped`);
      continue;
    }
    log(`${entry.name}: running`);
    const started = performance.now();
    try {
      const result = normalize(await fn(), entry.name);
      const section = render(entry.name, result, (performance.now() - started) / 1000, facts);
      sections.set(entry.name, section);
      console.log(`\n${section.split("\n").filter((l) => !l.startsWith("<!--")).join("\n")}\n`);
      if (/\bFAIL\b/.test(section)) failed++;
    } catch (err) {
      failed++;
      log(`${entry.name}: failed`, err);
      sections.set(entry.name, renderFailure(entry.name, err, facts));
    }
    // written after each benchmark, so a later crash does not lose the earlier results
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    const body = BENCHES.map((b) => sections.get(b.name)).filter(Boolean).join("\n\n");
    fs.writeFileSync(DOC, `${header(facts)}\n${body}\n`);
  }
  log(`done; results in ${path.relative(process.cwd(), DOC)}${failed ? ` (${failed} benchmark(s) with a FAIL)` : ""}`);
}

main().then(
  // every benchmark stops what it started; exiting here also ends anything a failed one left behind
  // (the test harness SIGTERMs its registries on exit)
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
