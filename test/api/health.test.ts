import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

// /api/health is public: when start-up fails it says so, but the reason (a config path, a
// connection string, a secret's name) goes to the log only, under the id the answer gives.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dm-health-"));
  const config = path.join(dir, "dockmaster.yaml");
  await writeFile(config, "registries:\n  - name: prod\n    kind: oci\n    url: https://ci:hunter2@registry.internal.example\n    password: hunter2\n  - not: [valid\n");
  process.env.DOCKMASTER_DATA_DIR = dir;
  process.env.DOCKMASTER_CONFIG = config;
  delete process.env.DATABASE_URL;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("reports a failed start-up as down with a request id, not the reason", async () => {
  const { GET } = await import("@/app/api/health/route");
  const logged: string[] = [];
  const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  try {
    const res = await GET();
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toEqual({ status: "down", error: expect.stringMatching(/^start-up failed \(request id [0-9a-f]{12}\)$/) });
    const id = body.error.match(/request id ([0-9a-f]+)/)[1];
    expect(logged.find((l) => l.includes(id))).toContain(dir);
  } finally {
    spy.mockRestore();
  }
});
