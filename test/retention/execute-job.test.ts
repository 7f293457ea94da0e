/**
 * Plan execution as a pg-boss job on PostgreSQL, as the app runs it (lib/boot-on-start.ts): the plan is
 * claimed and queued, a worker picks the job up and deletes against a real docker-registry; an
 * unexpected (non-registry) failure leaves the plan "partial" for a person to resume, never stuck
 * "executing".
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/enforce";
import { openDatabase, type Database } from "@/lib/db/open";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { startPlanExecution } from "@/lib/retention/execute";
import { startPgBossRetention, type RetentionQueue } from "@/lib/retention/execute-queue";
import type { ExecutionDeps } from "@/lib/retention/execute-run";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { createEmptyPostgres } from "../support/db";

let pg: Awaited<ReturnType<typeof createEmptyPostgres>>;
let db: Database;
let registry: RunningRegistry;
let provider: OciProvider;
let queue: RetentionQueue;
let admin: Principal;
let failProtection = false;
const digests: Record<string, string> = {};

async function storePlan(tags: string[]) {
  const items = tags.map((tag) => ({ repository: "dev/api", tag, digest: digests[tag]!, rule: "rules[0] (*)", bytes: 1, deletesManifest: true }));
  const hash = createHash("sha256").update(JSON.stringify(items)).digest("hex");
  return db.prisma.retentionPlan.create({ data: { environment: "dev", hash, items, protected: [], createdByEmail: "p@x.io" } });
}
async function settled(id: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const { status } = await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (status !== "executing") return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`plan ${id} still executing after 30 s`);
}

beforeAll(async () => {
  pg = await createEmptyPostgres();
  db = await openDatabase({ url: pg.url });
  registry = await startRegistry({ deleteEnabled: true });
  provider = createOciProvider({ name: "dev", url: registry.url, auth: { kind: "anonymous" } });
  for (const tag of ["j1", "j2", "j3"]) digests[tag] = await pushImage(provider, "dev/api", buildImage({ layerCount: 1 }), tag);
  const reg = await db.prisma.registry.create({ data: { name: "local", kind: "oci", url: registry.url } });
  await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
  const user = await db.prisma.user.create({ data: { email: "admin@x.io", passwordHash: "x" } });
  admin = { id: user.id, email: user.email, name: null, grants: [{ role: "admin", environment: null }], ip: null };
  const deps: ExecutionDeps = {
    prisma: db.prisma,
    provider: async () => provider,
    protection: async () => {
      if (failProtection) throw new Error("protection store unavailable");
      return null;
    },
    ratePerSecond: 50,
  };
  queue = await startPgBossRetention(pg.url, async () => deps, { schema: "pgboss_retention_test", pollingIntervalSeconds: 0.5 });
}, 120_000);

afterAll(async () => {
  await queue?.stop();
  await provider?.close();
  await registry?.stop();
  await db?.close();
  await pg?.drop();
});

const start = (plan: { id: string; hash: string }) => startPlanExecution({ prisma: db.prisma, executeBy: () => "admin", enqueue: (j) => queue.enqueue(j) }, admin, plan.id, plan.hash);

describe("plan execution as a pg-boss job", () => {
  it("the job deletes the planned tags from the registry", async () => {
    const plan = await storePlan(["j1", "j2"]);
    await start(plan);
    expect(await settled(plan.id)).toBe("executed");
    expect((await provider.listTags("dev/api")).items).toEqual(["j3"]);
  });

  it("a failure that is not the registry's leaves the plan partial, resumable", async () => {
    failProtection = true;
    const plan = await storePlan(["j3"]);
    await start(plan);
    expect(await settled(plan.id)).toBe("partial");
    expect((await provider.listTags("dev/api")).items).toEqual(["j3"]);
    failProtection = false;
    await start(plan);
    expect(await settled(plan.id)).toBe("executed");
    expect((await provider.listTags("dev/api").catch(() => ({ items: [] }))).items).toEqual([]);
  });
});
