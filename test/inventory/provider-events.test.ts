/**
 * Harbor, ECR and Docker Hub events through receiveRegistryEvents, as the route hands them over, on
 * PGlite: each registry kind's payload (the vendors' documented examples, test/inventory/fixtures) is
 * applied once, a replay changes nothing, the repository's re-read is asked for the right environment,
 * a wrong secret is 401 and a malformed body 400 naming the field, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveRegistryEvents, type EventRequest, type RereadRequest } from "@/lib/inventory/index/events/receive";
import { tagHistory } from "@/lib/inventory/index/reads";
import { dockerhubSpecExamples } from "./fixtures/dockerhub-webhooks";
import { ecrSpecExamples } from "./fixtures/ecr-eventbridge-events";
import { harborSpecExamples } from "./fixtures/harbor-webhooks";
import { openTestDatabase, type TestDatabase } from "../support/db";

const SECRET = "provider-events-secret";
const env = { EVENTS_SECRET: SECRET };
const DIGEST = "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8";

describe("registry events from Harbor, ECR and Docker Hub", () => {
  let db: TestDatabase;
  const rereads: RereadRequest[] = [];
  const post = (registry: string, payload: unknown, req: Partial<EventRequest> = {}) =>
    receiveRegistryEvents(db.prisma, { registry, authorization: `Bearer ${SECRET}`, token: null, body: JSON.stringify(payload), ...req }, { env, reread: (r) => rereads.push(r) });
  const tagRow = (environment: string, repository: string, tag: string) =>
    db.prisma.inventoryTag.findUnique({ where: { environment_repository_tag: { environment, repository, tag } } });
  const written = async () => ({ events: await db.prisma.inventoryTagEvent.count(), tags: await db.prisma.inventoryTag.findMany(), receipts: await db.prisma.inventoryEventReceipt.count() });

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const registries = [
      { name: "harbor-prod", kind: "harbor", environment: "prod", namespace: "test-webhook" },
      { name: "ecr-test", kind: "ecr", environment: "test", namespace: "" },
      { name: "hub", kind: "dockerhub", environment: "hub", namespace: "svendowideit" },
    ] as const;
    for (const [i, r] of registries.entries()) {
      const reg = await db.prisma.registry.create({ data: { name: r.name, kind: r.kind, url: `https://${r.name}.example.com`, options: { eventsSecretEnv: "EVENTS_SECRET" } } });
      await db.prisma.environment.create({ data: { name: r.environment, order: i + 1, registryId: reg.id, namespace: r.namespace } });
    }
  });
  afterAll(async () => {
    await db?.dispose();
  });

  describe("Harbor", () => {
    /** The spec's Slack example's event_data (a push of "latest"), in the Default format. */
    const pushed = {
      type: "PUSH_ARTIFACT",
      occur_at: 1586922308,
      operator: "admin",
      event_data: {
        resources: [{ digest: DIGEST, tag: "latest", resource_url: "hub.harbor.com/test-webhook/debian:latest" }],
        repository: { date_created: 1586922308, name: "debian", namespace: "test-webhook", repo_full_name: "test-webhook/debian", repo_type: "private" },
      },
    };
    /** The spec's "Artifact deleted / Default" example, deleting the artifact pushed above. */
    const deleted = (() => {
      const d = JSON.parse(JSON.stringify(harborSpecExamples["Artifact deleted / Default"])) as typeof pushed;
      d.event_data.resources[0]!.digest = DIGEST;
      d.event_data.repository = pushed.event_data.repository;
      return d;
    })();

    it("a push is applied once as a tag event, and the repository's re-read is asked for", async () => {
      rereads.length = 0;
      expect(await post("harbor-prod", pushed)).toEqual({ status: 202, body: { applied: 1, duplicates: 0, ignored: 0, unmapped: 0 } });
      expect((await tagRow("prod", "test-webhook/debian", "latest"))?.digest).toBe(DIGEST);
      // the push names its tag: only that tag is re-read from Harbor
      expect(rereads).toEqual([{ environment: "prod", repository: "test-webhook/debian", tags: ["latest"] }]);
      const history = await tagHistory(db.prisma, "all", { environment: "prod", repository: "test-webhook/debian", tag: "latest" });
      expect(history.map((e) => [e.kind, e.source, e.digest])).toEqual([["created", "event", DIGEST]]);
    });

    it("a replayed webhook (no id in the payload: the derived one) changes nothing", async () => {
      rereads.length = 0;
      const before = await written();
      expect(await post("harbor-prod", pushed)).toEqual({ status: 202, body: { applied: 0, duplicates: 1, ignored: 0, unmapped: 0 } });
      expect(await written()).toEqual(before);
      expect(rereads).toEqual([]);
    });

    it("a pull sets the pull time of the artifact's tags, never backwards, with no re-read, receipt or tag event", async () => {
      rereads.length = 0;
      const before = await written();
      const pull = { type: "PULL_ARTIFACT", occur_at: 1764500000, operator: "ci", event_data: { resources: [{ digest: DIGEST, tag: "latest" }], repository: pushed.event_data.repository } };
      expect(await post("harbor-prod", pull)).toEqual({ status: 202, body: { applied: 1, duplicates: 0, ignored: 0, unmapped: 0 } });
      expect((await tagRow("prod", "test-webhook/debian", "latest"))?.pulledAt?.toISOString()).toBe("2025-11-30T10:53:20.000Z");
      // an older pull delivered late leaves the newer one
      expect((await post("harbor-prod", { ...pull, occur_at: 1764400000 })).status).toBe(202);
      expect((await tagRow("prod", "test-webhook/debian", "latest"))?.pulledAt?.toISOString()).toBe("2025-11-30T10:53:20.000Z");
      expect(rereads).toEqual([]);
      const after = await written();
      expect([after.events, after.receipts]).toEqual([before.events, before.receipts]);
    });

    it("a deleted artifact deletes its tags, once", async () => {
      expect((await post("harbor-prod", deleted)).body).toMatchObject({ applied: 1 });
      expect(await tagRow("prod", "test-webhook/debian", "latest")).toBeNull();
      const history = await tagHistory(db.prisma, "all", { environment: "prod", repository: "test-webhook/debian", tag: "latest" });
      expect(history[0]).toMatchObject({ kind: "deleted", previousDigest: DIGEST });
      const before = await written();
      expect((await post("harbor-prod", deleted)).body).toMatchObject({ applied: 0, duplicates: 1 });
      expect(await written()).toEqual(before);
    });

    it("events for a project no environment holds are unmapped; ignored ones are counted", async () => {
      expect((await post("harbor-prod", harborSpecExamples["Artifact pushed / CloudEvents"])).body).toEqual({ applied: 0, duplicates: 0, ignored: 0, unmapped: 1 });
      expect((await post("harbor-prod", harborSpecExamples["Scanning failed / Default"])).body).toMatchObject({ applied: 0, ignored: 1 });
    });

    it("a wrong secret is 401 and a malformed payload 400 naming the field, with nothing written", async () => {
      const before = await written();
      const forged = { ...pushed, occur_at: 1, event_data: { ...pushed.event_data, resources: [{ digest: DIGEST, tag: "forged" }] } };
      expect((await post("harbor-prod", forged, { authorization: "Bearer wrong" })).status).toBe(401);
      const bad = await post("harbor-prod", { ...forged, event_data: { ...forged.event_data, resources: [{ digest: "sha256:zzz", tag: "forged" }] } });
      expect(bad.status).toBe(400);
      expect((bad.body as { error: string }).error).toMatch(/^not a Harbor webhook payload: event_data\.resources\.0\.digest: /);
      expect(await written()).toEqual(before);
    });
  });

  describe("ECR", () => {
    const digest = ecrSpecExamples["a completed image push"].detail["image-digest"].padEnd(71, "0");
    const push = { ...ecrSpecExamples["a completed image push"], detail: { ...ecrSpecExamples["a completed image push"].detail, "image-digest": digest } };
    const deletion = { ...ecrSpecExamples["an image deletion"], detail: { ...ecrSpecExamples["an image deletion"].detail, "image-digest": digest } };

    it("a push is applied once; its replay changes nothing; the delete removes the tag", async () => {
      rereads.length = 0;
      expect((await post("ecr-test", push)).body).toMatchObject({ applied: 1 });
      expect((await tagRow("test", "my-repository-name", "latest"))?.digest).toBe(digest);
      // the push names its tag: only that tag is re-read from ECR
      expect(rereads).toEqual([{ environment: "test", repository: "my-repository-name", tags: ["latest"] }]);
      const before = await written();
      expect((await post("ecr-test", push)).body).toMatchObject({ applied: 0, duplicates: 1 });
      expect(await written()).toEqual(before);
      expect((await post("ecr-test", deletion)).body).toMatchObject({ applied: 1 });
      expect(await tagRow("test", "my-repository-name", "latest")).toBeNull();
    });

    it("an event whose change fails to apply leaves no receipt: the sender's retry applies it", async () => {
      const retried = { ...push, id: "apply-fails-once", detail: { ...push.detail, "image-tag": "fails-once" } };
      // a real failure inside the transaction, after the receipt row was written
      await db.prisma.$executeRawUnsafe(`CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
      await db.prisma.$executeRawUnsafe(`CREATE TRIGGER fail_once BEFORE INSERT ON "InventoryTag" FOR EACH ROW WHEN (NEW."tag" = 'fails-once') EXECUTE FUNCTION fail_once()`);
      try {
        await expect(post("ecr-test", retried)).rejects.toThrow(/disk full/);
        expect(await db.prisma.inventoryEventReceipt.count({ where: { eventId: "apply-fails-once" } })).toBe(0);
      } finally {
        await db.prisma.$executeRawUnsafe(`DROP TRIGGER fail_once ON "InventoryTag"`);
        await db.prisma.$executeRawUnsafe(`DROP FUNCTION fail_once()`);
      }
      expect((await post("ecr-test", retried)).body).toMatchObject({ applied: 1, duplicates: 0 });
      expect((await tagRow("test", "my-repository-name", "fails-once"))?.digest).toBe(digest);
    });

    it("a scan result asks for a re-read and writes no tag", async () => {
      rereads.length = 0;
      const before = await db.prisma.inventoryTagEvent.count();
      expect((await post("ecr-test", ecrSpecExamples["a completed image scan (basic scanning)"])).body).toMatchObject({ applied: 1 });
      // the example names no digest to read the report of: the whole repository is re-read
      expect(rereads).toEqual([{ environment: "test", repository: "my-repository-name" }]);
      expect(await db.prisma.inventoryTagEvent.count()).toBe(before);
    });

    it("a wrong secret is 401; the spec's own sample (a 60-digit digest) is 400 naming the field; nothing written", async () => {
      const before = await written();
      expect((await post("ecr-test", { ...push, id: "forged" }, { authorization: null, token: "wrong" })).status).toBe(401);
      const bad = await post("ecr-test", ecrSpecExamples["a completed image push"]);
      expect(bad.status).toBe(400);
      expect((bad.body as { error: string }).error).toMatch(/^not an EventBridge ECR event: detail\.image-digest: /);
      expect(await written()).toEqual(before);
    });
  });

  describe("Docker Hub", () => {
    const push = dockerhubSpecExamples.push;

    it("a push (sent with ?token=, the Hub cannot set headers) asks once for a re-read of namespace/name", async () => {
      rereads.length = 0;
      const viaToken = { authorization: null, token: SECRET };
      expect((await post("hub", push, viaToken)).body).toEqual({ applied: 1, duplicates: 0, ignored: 0, unmapped: 0 });
      expect(rereads).toEqual([{ environment: "hub", repository: "svendowideit/testhook" }]);
      const before = await written();
      expect((await post("hub", push, viaToken)).body).toEqual({ applied: 0, duplicates: 1, ignored: 0, unmapped: 0 });
      expect(rereads).toHaveLength(1);
      expect(await written()).toEqual(before);
    });

    it("a wrong token is 401 and a malformed payload 400 naming the field, with nothing written", async () => {
      const before = await written();
      expect((await post("hub", push, { authorization: null, token: "wrong" })).status).toBe(401);
      const bad = await post("hub", { ...push, push_data: { pushed_at: "yesterday", tag: "latest" } });
      expect(bad.status).toBe(400);
      expect((bad.body as { error: string }).error).toMatch(/^not a Docker Hub webhook payload: push_data\.pushed_at: /);
      expect(await written()).toEqual(before);
    });
  });
});
