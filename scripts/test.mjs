// `npm test`: the whole suite, in the order that fails fastest — types, lint (ESLint) and unused
// code (knip), unit and integration
// (vitest, against PGlite, the machine's PostgreSQL and real docker-registry instances), then a
// production build and the browser tests (Playwright in Debian's Chromium). Ends with one line:
// "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const run = (label, cmd, args, env = {}) => {
  console.log(`\n=== ${label}: ${cmd} ${args.join(" ")}`);
  const t0 = Date.now();
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`=== ${label}: ${res.status === 0 ? "ok" : `FAILED (exit ${res.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return res.status === 0;
};

function reachable(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 2000 }, () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
    s.on("timeout", () => (s.destroy(), resolve(false)));
  });
}

const missing = [];
for (const bin of ["/usr/bin/chromium", "/usr/bin/docker-registry", "/usr/bin/skopeo"]) if (!existsSync(bin)) missing.push(bin);
if (!(await reachable("127.0.0.1", 5432))) missing.push("PostgreSQL on 127.0.0.1:5432");
if (missing.length) {
  console.error(`Missing for the test suite: ${missing.join(", ")}.\nOn Debian: apt-get install -y chromium docker-registry skopeo (see .ci/run).`);
  process.exit(2);
}

mkdirSync("test-results", { recursive: true });
const bin = (name) => `node_modules/.bin/${name}`;
const results = [];
// Named again at the very end, so the last lines of a long CI log say which tests failed and why.
const failures = [];
const firstLine = (text) => (text ?? "").replace(/\x1b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim()) ?? "(no message)";
const counts = { passed: 0, failed: 0 };

results.push(["typecheck", run("typecheck", bin("tsc"), ["--noEmit"])]);
// A warning fails the run like an error: a lint rule either holds or is disabled at the line, with its reason.
results.push(["lint", run("lint (ESLint)", bin("eslint"), ["--max-warnings", "0", "."])]);
results.push(["knip", run("unused files, exports and dependencies (knip)", bin("knip"), [])]);

const vitestOk = run("unit + integration", bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"]);
results.push(["vitest", vitestOk]);
if (existsSync("test-results/vitest.json")) {
  const v = JSON.parse(readFileSync("test-results/vitest.json", "utf8"));
  counts.passed += v.numPassedTests;
  counts.failed += v.numFailedTests + (v.numTotalTests - v.numPassedTests - v.numFailedTests - (v.numPendingTests ?? 0) - (v.numTodoTests ?? 0));
  for (const file of v.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === "failed") failures.push(`vitest ${path.relative(process.cwd(), file.name)} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    }
    // A file that failed to load or whose hooks failed has no failed assertion to name.
    if (file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed")) {
      failures.push(`vitest ${path.relative(process.cwd(), file.name)}: ${firstLine(file.message)}`);
    }
  }
}

const built = run("production build", bin("next"), ["build"]);
results.push(["build", built]);
if (built) {
  const e2eOk = run("browser (Playwright, Debian Chromium)", bin("playwright"), ["test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: "test-results/playwright.json",
  });
  results.push(["e2e", e2eOk]);
  if (existsSync("test-results/playwright.json")) {
    const p = JSON.parse(readFileSync("test-results/playwright.json", "utf8"));
    counts.passed += p.stats.expected;
    counts.failed += p.stats.unexpected + p.stats.flaky;
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          if (t.status === "unexpected" || t.status === "flaky") {
            const err = t.results?.find((r) => r.error)?.error?.message;
            failures.push(`e2e ${spec.file}:${spec.line} › ${spec.title} (${t.status}): ${firstLine(err)}`);
          }
        }
      }
      for (const child of suite.suites ?? []) walk(child);
    };
    for (const suite of p.suites ?? []) walk(suite);
  }
}

const failedSteps = results.filter(([, ok]) => !ok).map(([name]) => name);
console.log(`\nsteps: ${results.map(([n, ok]) => `${n} ${ok ? "ok" : "FAILED"}`).join(", ")}`);
if (failedSteps.length && counts.failed === 0) counts.failed = failedSteps.length;
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f.slice(0, 400)}`).join("\n")}`);
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(failedSteps.length ? 1 : 0);
