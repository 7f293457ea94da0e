import { migrationStatus } from "@/lib/db/migrate";
import type { Runtime } from "@/lib/runtime";

export interface Health {
  status: "ok" | "degraded" | "down";
  database: { kind: string; reachable: boolean; latencyMs?: number; error?: string };
  migrations: { current: boolean; applied: number; pending: string[]; modified: string[] };
  uptimeSeconds: number;
}

export async function checkHealth(rt: Runtime): Promise<Health> {
  const t0 = performance.now();
  const uptimeSeconds = Math.round((Date.now() - rt.startedAt.getTime()) / 1000);
  try {
    await rt.db.sql.query("SELECT 1");
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    const m = await migrationStatus(rt.db.sql);
    const current = m.pending.length === 0 && m.modified.length === 0;
    return {
      status: current ? "ok" : "degraded",
      database: { kind: rt.db.kind, reachable: true, latencyMs },
      migrations: { current, applied: m.applied.length, pending: m.pending, modified: m.modified },
      uptimeSeconds,
    };
  } catch (err) {
    return {
      status: "down",
      database: { kind: rt.db.kind, reachable: false, error: (err as Error).message },
      migrations: { current: false, applied: 0, pending: [], modified: [] },
      uptimeSeconds,
    };
  }
}
