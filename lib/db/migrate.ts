import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlExecutor } from "./sql";

const LOCK_KEY = 7_461_730; // arbitrary, fixed: identifies Dockmaster's migration lock
const TABLE = `"_dockmaster_migrations"`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

function migrationsDir(): string {
  return process.env.DOCKMASTER_MIGRATIONS_DIR ?? path.join(/* turbopackIgnore: true */ process.cwd(), "prisma", "migrations");
}

export async function readMigrations(dir = migrationsDir()): Promise<MigrationFile[]> {
  const entries = await readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const bad = names.find((n) => !/^[0-9a-z_]+$/.test(n));
  if (bad) throw new Error(`migration folder name "${bad}" must be <timestamp>_<name> in [0-9a-z_]`);
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(/* turbopackIgnore: true */ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

async function ensureTable(db: SqlExecutor) {
  await db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
    name TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`);
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied migrations whose file has changed since: the database no longer matches the code. */
  modified: string[];
  /** Applied in the database but absent from the code (a newer release migrated this database). */
  unknown: string[];
}

export async function migrationStatus(db: SqlExecutor, files?: MigrationFile[]): Promise<MigrationStatus> {
  const all = files ?? (await readMigrations());
  await ensureTable(db);
  const rows = await db.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${TABLE}`);
  const done = new Map(rows.map((r) => [r.name, r.checksum]));
  const known = new Set(all.map((f) => f.name));
  return {
    applied: all.filter((f) => done.get(f.name) === f.checksum).map((f) => f.name),
    pending: all.filter((f) => !done.has(f.name)).map((f) => f.name),
    modified: all.filter((f) => done.has(f.name) && done.get(f.name) !== f.checksum).map((f) => f.name),
    unknown: rows.map((r) => r.name).filter((n) => !known.has(n)),
  };
}

/** Applies pending migrations in name order, each in its own transaction. Returns the names applied. */
export async function migrate(db: SqlExecutor, files?: MigrationFile[]): Promise<string[]> {
  const all = files ?? (await readMigrations());
  return db.withLock(LOCK_KEY, async () => {
    const status = await migrationStatus(db, all);
    if (status.modified.length > 0) {
      throw new Error(
        `migration files changed after they were applied: ${status.modified.join(", ")}. ` +
          "Never edit an applied migration; add a new one.",
      );
    }
    const applied: string[] = [];
    for (const file of all.filter((f) => status.pending.includes(f.name))) {
      // Names and checksums are [0-9a-z_] only (checked in readMigrations), so inlining them is safe.
      const record = `INSERT INTO ${TABLE} (name, checksum) VALUES ('${file.name}', '${file.checksum}');`;
      try {
        await db.execInTransaction(`${file.sql}\n;\n${record}`);
      } catch (err) {
        throw new Error(`migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file.name);
    }
    return applied;
  });
}
