import { describe, expect, it } from "vitest";
import { parseAppConfig as parseConfig } from "@/lib/app-config";
import { ConfigError } from "@/lib/config/load";

const base = `
registries:
  - { name: local, kind: oci, url: "http://127.0.0.1:5000" }
  - { name: harbor, kind: harbor, url: "https://harbor.example.com" }
environments:
  - { name: dev, order: 1, registry: local, namespace: dev }
  - { name: prod, order: 2, registry: harbor, namespace: prod }
`;

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, "dockmaster.yaml", env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("probes: section of dockmaster.yaml", () => {
  it("accepts targets of every kind with defaults filled in", () => {
    const cfg = parseConfig(
      `${base}
probes:
  intervalSeconds: 30
  webhook: { url: "\${ALERT_HOOK}" }
  targets:
    - { name: local-up, kind: reachability, registry: local }
    - { name: local-pull, kind: pull_latency, registry: local, repository: dev/app, tag: "1.0", intervalSeconds: 300 }
    - { name: app-same, kind: tag_consistency, environments: [dev, prod], repository: app, tag: stable }
    - { name: harbor-tls, kind: tls_expiry, registry: harbor }
    - { name: other-tls, kind: tls_expiry, url: "https://example.org" }
  alerts:
    - { name: down, kind: consecutive_failures, threshold: 5 }
    - { name: slow-pull, kind: p99_latency, threshold: 800, target: local-pull }
`,
      "dockmaster.yaml",
      { ALERT_HOOK: "http://hooks.example/x" },
    );
    expect(cfg.probes?.targets).toHaveLength(5);
    expect(cfg.probes?.retention).toEqual({ rawDays: 7, rollupDays: 400 });
    expect(cfg.probes?.timeoutMs).toBe(10_000);
    expect(cfg.probes?.targets[0]!.enabled).toBe(true);
  });

  it("names the line and field of every mistake, including references to undeclared names", () => {
    const text = `${base}
probes:
  webhook: { url: "not a url" }
  targets:
    - { name: a, kind: reachability, registry: nowhere }
    - { name: b, kind: pull_latency, registry: local }
    - { name: c, kind: tag_consistency, environments: [dev, staging], repository: app, tag: x }
    - { name: a, kind: credentials, registry: local, intervalSeconds: 1 }
  alerts:
    - { name: r1, kind: p99_latency }
    - { name: r2, kind: consecutive_failures, target: ghost }
`;
    const p = problems(text).join("\n");
    expect(p).toMatch(/dockmaster\.yaml:10: probes\.webhook\.url: must be an http\(s\) URL/);
    expect(p).toMatch(/dockmaster\.yaml:12: probes\.targets\[0\]\.registry: refers to registry "nowhere"/);
    expect(p).toMatch(/dockmaster\.yaml:13: probes\.targets\[1\]\.repository: is required for kind pull_latency/);
    expect(p).toMatch(/probes\.targets\[2\]\.environments\[1\]: refers to environment "staging"/);
    expect(p).toMatch(/probes\.targets\[3\]\.intervalSeconds: Too small/);
    expect(p).toMatch(/probes\.targets\[3\]\.name: duplicate probe target name "a"/);
    expect(p).toMatch(/probes\.alerts\[0\]\.threshold: is required for kind p99_latency/);
    expect(p).toMatch(/probes\.alerts\[1\]\.target: refers to probe target "ghost"/);
  });

  it("refuses a webhook URL variable that is not set", () => {
    expect(problems(`${base}\nprobes:\n  webhook: { url: "\${HOOK_URL}" }\n`).join("\n")).toMatch(/probes\.webhook\.url: environment variable HOOK_URL is not set/);
  });
});
