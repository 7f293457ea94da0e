/**
 * The "Run now" server action for a Harbor replication policy: admin only, decided on the server,
 * audited either way. Runs the real action against a real database and the Harbor simulator; only
 * Next's request scope and next-auth's cookie decoding are replaced.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";
import { freePort } from "../harness/free-port";
import { closeEmbeddedRuntime } from "../support/embedded-runtime";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.77" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let dir: string;
let sim: HarborSim;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const ids: Record<string, string> = {};

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dm-replication-"));
  // the replication API needs no registry content: the simulator's backing registry may be absent
  sim = await startHarborSim({ registryUrl: `http://127.0.0.1:${await freePort()}`, users: [{ username: "admin", password: "Harbor12345" }] });
  sim.addReplicationPolicy({ name: "nightly", destination: "dr.example.com" });
  sim.addReplicationPolicy({ name: "paused", destination: "old.example.com", enabled: false });
  await writeFile(
    path.join(dir, "dockmaster.yaml"),
    `registries:\n  - name: harbor\n    kind: harbor\n    url: ${sim.url}\n    credentials:\n      username: admin\n      password: \${TEST_HARBOR_PASSWORD}\n`,
  );
  Object.assign(process.env, { DOCKMASTER_DATA_DIR: path.join(dir, "db"), DOCKMASTER_CONFIG: path.join(dir, "dockmaster.yaml"), NEXTAUTH_SECRET: "test-secret", TEST_HARBOR_PASSWORD: "Harbor12345" });
  delete process.env.DATABASE_URL;
  const { getPrisma } = await import("@/lib/runtime");
  const { createUser } = await import("@/lib/auth/users");
  prisma = await getPrisma();
  for (const role of ["admin", "approver", "viewer"] as const) {
    ids[role] = (await createUser(prisma, { actor: null, ip: null }, { email: `${role}@x.io`, password: `${role} password!!`, grants: [{ role, environmentId: null }] })).id;
  }
});

afterEach(() => {
  expect(sim.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await closeEmbeddedRuntime(dir);
  await sim?.stop();
});

describe("triggerReplicationAction", () => {
  it.each(["viewer", "approver"])("refuses a %s on the server: nothing starts, the refusal is audited", async (role) => {
    const { triggerReplicationAction } = await import("@/app/(app)/replication/actions");
    session.current = { user: { id: ids[role]!, sessionVersion: 0 } };
    const res = await triggerReplicationAction(undefined, form({ registry: "harbor", policyId: "1" }));
    expect(res).toEqual({ status: "error", message: "You need the admin role for all environments to start replication." });
    expect(sim.startedExecutions).toHaveLength(0);
    const denied = await prisma.auditEvent.findFirstOrThrow({ where: { action: "permission.denied" }, orderBy: { id: "desc" } });
    expect(denied).toMatchObject({ actorEmail: `${role}@x.io`, outcome: "denied", sourceIp: "192.0.2.77", detail: { attempted: "replication.trigger" } });
  });

  it("lets an admin start the policy on Harbor, audited with the execution id", async () => {
    const { triggerReplicationAction } = await import("@/app/(app)/replication/actions");
    session.current = { user: { id: ids.admin!, sessionVersion: 0 } };
    const res = await triggerReplicationAction(undefined, form({ registry: "harbor", policyId: "1" }));
    expect(res).toEqual({ status: "ok", message: "Started execution 1 of “nightly”." });
    expect(sim.startedExecutions).toEqual([{ id: 1, policyId: 1, user: "admin" }]);
    const row = await prisma.auditEvent.findFirstOrThrow({ where: { action: "replication.trigger" }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({ actorEmail: "admin@x.io", outcome: "success", targetType: "registry", targetId: "harbor", sourceIp: "192.0.2.77", detail: { policyId: "1", policy: "nightly", executionId: "1" } });
  });

  it("refuses to start a disabled policy, and says why; the failure is audited", async () => {
    const { triggerReplicationAction } = await import("@/app/(app)/replication/actions");
    session.current = { user: { id: ids.admin!, sessionVersion: 0 } };
    const res = await triggerReplicationAction(undefined, form({ registry: "harbor", policyId: "2" }));
    expect(res).toMatchObject({ status: "error", message: expect.stringContaining('replication policy "paused" is disabled') });
    expect(sim.startedExecutions).toHaveLength(1);
    const row = await prisma.auditEvent.findFirstOrThrow({ where: { action: "replication.trigger" }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({ outcome: "failure", detail: { policyId: "2", policy: "paused" } });
  });

  it("reports Harbor refusing the start as a message, not a crash", async () => {
    const { triggerReplicationAction } = await import("@/app/(app)/replication/actions");
    session.current = { user: { id: ids.admin!, sessionVersion: 0 } };
    sim.fault({ method: "POST", path: "/api/v2.0/replication/executions", status: 403, body: { errors: [{ code: "FORBIDDEN", message: "robot lacks replication:create" }] } });
    const res = await triggerReplicationAction(undefined, form({ registry: "harbor", policyId: "1" }));
    expect(res).toMatchObject({ status: "error", message: expect.stringContaining("robot lacks replication:create") });
    expect(sim.startedExecutions).toHaveLength(1);
  });
});
