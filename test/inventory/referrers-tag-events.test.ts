/**
 * A registry event about a referrers tag (`sha256-<hex>`, pushed when a signature or SBOM is attached
 * on a registry without the referrers API) must not become an image tag in the index: the overview's
 * tag count and the repository page's would disagree. The event asks for a whole-repository re-read
 * instead, which reads the referrers in as a sync does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveRegistryEvents, type RereadRequest } from "@/lib/inventory/index/events/receive";
import { referrersTagFor } from "@/lib/registry";
import { openTestDatabase, type TestDatabase } from "../support/db";

const SECRET = "referrers-tag-secret";
const SUBJECT = `sha256:${"a".repeat(64)}`;
const INDEX = `sha256:${"b".repeat(64)}`;
const IMAGE = `sha256:${"c".repeat(64)}`;

const push = (id: string, tag: string, digest: string, mediaType: string) => ({ id, action: "push", target: { mediaType, digest, repository: "dev/api", tag } });

describe("referrers tags in registry events", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const reg = await db.prisma.registry.create({ data: { name: "dev-registry", kind: "oci", url: "http://127.0.0.1:1", options: { eventsSecretEnv: "EV_SECRET" } } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
  });
  afterAll(async () => db?.dispose());

  it("indexes the image tag, never the referrers tag, and re-reads the repository for the referrer", async () => {
    const rereads: RereadRequest[] = [];
    const body = JSON.stringify({
      events: [
        push("e1", "1.0", IMAGE, "application/vnd.oci.image.manifest.v1+json"),
        push("e2", referrersTagFor(SUBJECT), INDEX, "application/vnd.oci.image.index.v1+json"),
      ],
    });
    const out = await receiveRegistryEvents(db.prisma, { registry: "dev-registry", authorization: `Bearer ${SECRET}`, token: null, body }, { env: { EV_SECRET: SECRET }, reread: (r) => void rereads.push(r) });
    expect(out.status).toBe(202);
    const tags = await db.prisma.inventoryTag.findMany({ where: { environment: "dev", repository: "dev/api" }, select: { tag: true } });
    expect(tags.map((t) => t.tag)).toEqual(["1.0"]);
    // the referrers tag turns the tag-only re-read into a whole-repository one (no `tags` list)
    expect(rereads).toEqual([{ environment: "dev", repository: "dev/api" }]);
  });
});
