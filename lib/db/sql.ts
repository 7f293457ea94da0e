import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";

/** The little raw SQL the migrator and health check need, the same over PGlite and node-postgres. */
export interface SqlExecutor {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script atomically: all of it or none of it. */
  execInTransaction(sql: string): Promise<void>;
  /** Runs fn while holding a database-wide lock, so two app replicas never migrate at once. */
  withLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
}

export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await db.query<T>(sql, params);
      return res.rows;
    },
    async execInTransaction(sql) {
      await db.transaction(async (tx) => {
        await tx.exec(sql);
      });
    },
    // PGlite is one in-process connection: the process itself is the lock holder.
    withLock: (_key, fn) => fn(),
  };
}

export function pgExecutor(pool: Pool): SqlExecutor {
  return {
    async exec(sql) {
      await pool.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await pool.query(sql, params);
      return res.rows as T[];
    },
    async execInTransaction(sql) {
      // One dedicated connection, so a failed script never returns an aborted transaction to the pool.
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(sql);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [key]);
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]);
        }
      } finally {
        client.release();
      }
    },
  };
}
