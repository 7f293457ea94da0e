import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

// Migration 20261130097000_api_token_scopes against schema.prisma, on both databases: the new fields
// round-trip through the client, and a row written without them (as before the migration) reads as a
// legacy token: no scopes, no environment restriction.
describe.each(dbKinds)("API token columns on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, { migrate: true });
  }, 120_000);
  afterAll(async () => {
    await db?.dispose();
  });

  it("serves scopes, environments, last use address and revoker", async () => {
    const u = await db.prisma.user.create({ data: { email: "t@x.io", passwordHash: "h" } });
    const t = await db.prisma.apiToken.create({
      data: { name: "ci", userId: u.id, tokenHash: "h1", prefix: "dm_abc", scopes: ["read", "metrics"], environments: ["dev"], lastUsedFrom: "192.0.2.1", revokedById: u.id },
    });
    expect(await db.prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ scopes: ["read", "metrics"], environments: ["dev"], lastUsedFrom: "192.0.2.1", revokedById: u.id });
  });

  it("reads a token inserted without the new columns as legacy (empty scopes and environments)", async () => {
    const u = await db.prisma.user.create({ data: { email: "old@x.io", passwordHash: "h" } });
    await db.prisma.$executeRawUnsafe(`INSERT INTO "ApiToken" ("id", "name", "userId", "tokenHash", "prefix") VALUES ('old1', 'old', '${u.id}', 'h2', 'dm_old')`);
    expect(await db.prisma.apiToken.findUniqueOrThrow({ where: { id: "old1" } })).toMatchObject({ scopes: [], environments: [], lastUsedFrom: null, revokedById: null });
  });
});
