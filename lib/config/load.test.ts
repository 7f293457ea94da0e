import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "./load";
import { refusalProblems } from "../../test/support/config-problems";

const env = { HARBOR_PASSWORD: "pw", REG_USER: "robot" };

const good = `
registries:
  - name: harbor-main
    kind: harbor
    url: https://harbor.example.com
    credentials:
      username: robot$ci
      password: \${HARBOR_PASSWORD}
    tls:
      caFile: /etc/ssl/corp-ca.pem
  - name: local
    kind: oci
    url: http://127.0.0.1:5000
environments:
  - name: dev
    order: 1
    registry: local
    namespace: dev
  - name: prod
    order: 3
    registry: harbor-main
    namespace: prod
    protected: true
    gates:
      maxFindings: { critical: 0, high: 5 }
      maxScanAgeDays: 7
      signature: { keys: [{ name: release, publicKey: /etc/dockmaster/cosign.pub }] }
      approvals: 2
`;

const problems = (text: string, e: Record<string, string> = env) => refusalProblems(text, e);

describe("dockmaster.yaml", () => {
  it("parses a valid file with defaults applied", () => {
    const cfg = parseConfig(good, "dockmaster.yaml", env);
    expect(cfg.registries.map((r) => r.name)).toEqual(["harbor-main", "local"]);
    expect(cfg.registries[0]!.tls).toEqual({ insecureSkipVerify: false, caFile: "/etc/ssl/corp-ca.pem" });
    expect(cfg.environments[0]).toMatchObject({ name: "dev", protected: false });
    expect(cfg.environments[1]!.gates).toEqual({ maxFindings: { critical: 0, high: 5 }, maxScanAgeDays: 7, signature: { keys: [{ name: "release", publicKey: "/etc/dockmaster/cosign.pub" }], minSignatures: 1 }, approvals: 2 });
  });

  it("refuses the old requireSignature at its line, pointing to gates.signature: presence alone no longer counts", () => {
    for (const value of ["true", "false"]) {
      const p = problems(good.replace("      approvals: 2", `      requireSignature: ${value}\n      approvals: 2`));
      expect(p).toEqual([expect.stringMatching(/^dockmaster\.yaml:28: environments\[1\]\.gates\.requireSignature: is no longer supported: presence alone no longer counts\. Declare gates\.signature /)]);
    }
  });

  it("refuses a signature gate that declares nothing to verify with, or the same key name twice", () => {
    expect(problems(good.replace(/signature: \{.*\}/, "signature: { minSignatures: 1 }"))).toEqual([
      "dockmaster.yaml:27: environments[1].gates.signature: declares neither keys nor a notation trust store: nothing could ever verify",
    ]);
    expect(problems(good.replace(/signature: \{.*\}/, "signature: { keys: [{ name: a, publicKey: /a.pub }, { name: a, publicKey: /b.pub }] }"))).toEqual([
      'dockmaster.yaml:27: environments[1].gates.signature.keys[1].name: duplicate key name "a"',
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problems("registries:\n  - name: a\n   kind: oci\n")).toEqual([expect.stringMatching(/^dockmaster\.yaml:3: YAML syntax/)]);
  });

  it("names line and field of a wrong enum value", () => {
    const p = problems(good.replace("kind: harbor", "kind: quay"));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^dockmaster\.yaml:4: registries\[0\]\.kind: /);
  });

  it("names an unknown (misspelled) key", () => {
    const p = problems(good.replace("protected: true", "protect: true"));
    expect(p[0]).toMatch(/^dockmaster\.yaml:23: environments\[1\]: Unrecognized key: "protect"/);
  });

  it("refuses a plaintext password", () => {
    const p = problems(good.replace("${HARBOR_PASSWORD}", "hunter2"));
    expect(p[0]).toMatch(/^dockmaster\.yaml:8: registries\[0\]\.credentials\.password: must be an environment variable reference/);
  });

  it("names an environment variable that is not set", () => {
    const p = problems(good, { REG_USER: "x" });
    expect(p).toEqual(["dockmaster.yaml:8: registries[0].credentials.password: environment variable HARBOR_PASSWORD is not set"]);
  });

  it("rejects an environment on an undeclared registry", () => {
    const p = problems(good.replace("registry: harbor-main", "registry: nowhere"));
    expect(p).toEqual([`dockmaster.yaml:21: environments[1].registry: refers to registry "nowhere", which is not declared under registries`]);
  });

  it("rejects duplicate names and a bad URL together", () => {
    const p = problems(good.replace("name: local", "name: harbor-main").replace("http://127.0.0.1:5000", "ftp://x"));
    expect(p.some((m) => /registries\[1\]\.url: must be an http/.test(m))).toBe(true);
  });

  it("points a missing required field at its parent's line", () => {
    const p = problems("registries:\n  - name: a\n    url: http://x\n");
    expect(p[0]).toMatch(/^dockmaster\.yaml:2: registries\[0\]\.kind: /);
  });

  it("treats a missing file as an empty config, and reads a real one", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "dm-config-"));
    expect(await loadConfig(path.join(dir, "absent.yaml"), env)).toEqual({ registries: [], environments: [] });
    const file = path.join(dir, "dockmaster.yaml");
    await writeFile(file, good);
    expect((await loadConfig(file, env)).environments).toHaveLength(2);
    await writeFile(file, "registries: 3\n");
    await expect(loadConfig(file, env)).rejects.toThrow(/dockmaster\.yaml:1: registries: /);
  });
});
