/**
 * `npm run bench [-- browse copy probes]`: runs the selected benchmarks (all by default) one after
 * another, prints each result as Markdown, and writes docs/benchmarks.md. A benchmark not run this
 * time keeps its previous section in that file, so one can be re-run alone.
 */
import fs from "node:fs";
import path from "node:path";
import { machineFacts, type MachineFacts } from "./machine";
import { log, type BenchResult } from "./stats";

/**
 * Each benchmark's module is imported only when it is selected: they pull in Prisma, pg-boss, the
 * registry client and the test harness, which a run of another benchmark does not need.
 */
interface BenchEntry {
  name: string;
  load: () => Promise<() => Promise<BenchResult>>;
}

const BENCHES: BenchEntry[] = [
  { name: "browse", load: async () => (await import("./browse")).benchBrowse },
  { name: "copy", load: async () => (await import("./copy")).benchCopy },
  { name: "probes", load: async () => (await import("./probes")).benchProbes },
  { name: "inventory", load: async () => (await import("./inventory")).benchInventory },
  { name: "inventory-cve", load: async () => (await import("./inventory-cve")).benchInventoryCve },
  { name: "inventory-reads", load: async () => (await import("./inventory-reads")).benchInventoryReads },
  { name: "probes-page", load: async () => (await import("./probes-page")).benchProbesPage },
  { name: "retention-plan", load: async () => (await import("./retention-plan")).benchRetentionPlan },
  { name: "retention-exec", load: async () => (await import("./retention-exec")).benchRetentionExec },
];

const DOC = path.join(import.meta.dirname, "..", "docs", "benchmarks.md");
const sectionStart = (name: string) => `<!-- bench:${name} -->`;
const sectionEnd = (name: string) => `<!-- /bench:${name} -->`;

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
    try {
      const bench = await entry.load();
      log(`${entry.name}: running`);
      const started = performance.now();
      const result = await bench();
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
