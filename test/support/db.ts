import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/db/open";

export type DbKind = "pglite" | "postgres";
export const dbKinds: DbKind[] = ["pglite", "postgres"];

/** The machine's PostgreSQL (trust auth); each test file gets a database of its own, dropped afterwards. */
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase extends Database {
  /** Postgres URL of the fresh database, or the PGlite directory. */
  target: string;
  dispose(): Promise<void>;
}

export async function createEmptyPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `dockmaster_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function openTestDatabase(kind: DbKind, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (kind === "postgres") {
    const empty = await createEmptyPostgres();
    const db = await openDatabase({ url: empty.url, migrate: opts.migrate });
    return { ...db, target: empty.url, async dispose() { await db.close(); await empty.drop(); } };
  }
  const dir = await mkdtemp(path.join(tmpdir(), "dockmaster-pglite-"));
  const db = await openDatabase({ dataDir: dir, migrate: opts.migrate });
  return { ...db, target: dir, async dispose() { await db.close(); await rm(dir, { recursive: true, force: true }); } };
}
