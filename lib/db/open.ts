import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { migrate } from "./migrate";
import { pgExecutor, pgliteExecutor, type SqlExecutor } from "./sql";

export interface Database {
  kind: "postgres" | "pglite";
  /** Where the data lives, without credentials: shown in logs and /api/health. */
  location: string;
  prisma: PrismaClient;
  sql: SqlExecutor;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… — when absent, the embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory; "memory://" keeps it in memory (tests). */
  dataDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

/**
 * Prisma's defaults (wait 2 s for a connection, abort after 5 s) fail correct work when the machine is
 * busy: the inventory's label batch for 100,000 manifests took 9.5 s on two cores shared with a test
 * run, and was rolled back (P2028), failing the sync. A transaction that truly hangs is still cut off.
 */
const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 60_000 };

function defaultDataDir(): string {
  return process.env.DOCKMASTER_DATA_DIR ?? path.join(/* turbopackIgnore: true */ process.cwd(), "data", "pglite");
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  let db: Database;
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 });
    // An idle pooled connection dropped by the server must not crash the process.
    pool.on("error", (err) => console.error(`[db] idle connection error: ${err.message}`));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
    db = {
      kind: "postgres",
      location: redact(opts.url),
      prisma,
      sql: pgExecutor(pool),
      async close() {
        await prisma.$disconnect();
        await pool.end().catch(() => undefined);
      },
    };
  } else {
    const dir = opts.dataDir ?? defaultDataDir();
    if (!dir.startsWith("memory://")) await mkdir(/* turbopackIgnore: true */ dir, { recursive: true });
    // pg_trgm backs the inventory search indexes (migration 20261130050000), as it does on PostgreSQL
    const lite = await PGlite.create(dir, { extensions: { pg_trgm } });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite), transactionOptions: TRANSACTION_OPTIONS });
    db = {
      kind: "pglite",
      location: dir,
      prisma,
      sql: pgliteExecutor(lite),
      async close() {
        await prisma.$disconnect();
        await lite.close();
      },
    };
  }
  if (opts.migrate !== false) await migrate(db.sql);
  return db;
}
