import { syncAuditSinks } from "@/lib/audit/forward/sinks";
import { bootstrapAdminFromEnv } from "@/lib/auth/bootstrap";
import { setAccessRules } from "@/lib/auth/group-access";
import { loadAppConfig, type AppConfig } from "@/lib/app-config";
import { configPath } from "@/lib/config/load";
import { syncConfig } from "@/lib/config/sync";
import { parseSecretKey } from "@/lib/crypto/secrets";
import { openDatabase, type Database } from "@/lib/db/open";
import { syncExceptionConfig } from "@/lib/exceptions/config-sync";
import { syncProbeConfig } from "@/lib/probe/config-sync";
import { failInterruptedPromotions } from "@/lib/promotion/recover";

export interface Runtime {
  db: Database;
  config: AppConfig;
  startedAt: Date;
}

/**
 * Start-up, in order: read and validate dockmaster.yaml (a bad file stops here, naming the line),
 * open the database and apply migrations, mirror the config into it, refuse to run with sealed
 * secrets but no key, create the first admin from the environment. Memoized per process
 * (and across dev-server reloads via globalThis).
 */
async function boot(): Promise<Runtime> {
  const config = await loadAppConfig();
  setAccessRules(config.access);
  const db = await openDatabase({ url: process.env.DATABASE_URL || undefined });
  try {
    await syncConfig(db.prisma, config);
    await syncProbeConfig(db.prisma, config);
    await syncExceptionConfig(db.prisma, config);
    await syncAuditSinks(db.prisma, config.audit?.forward ?? []);
    const sealed = await db.prisma.registry.count({ where: { secretCiphertext: { not: null } } });
    if (sealed > 0) parseSecretKey(process.env.DOCKMASTER_SECRET_KEY);
    await bootstrapAdminFromEnv(db.prisma);
    const interrupted = await failInterruptedPromotions(db.prisma);
    if (interrupted) console.warn(`[dockmaster] ${interrupted} promotion(s) left copying by a stopped server were marked failed; retry them to resume`);
  } catch (err) {
    await db.close();
    throw err;
  }
  console.log(`[dockmaster] database ${db.kind} at ${db.location}; config ${configPath()}: ${config.registries.length} registries, ${config.environments.length} environments`);
  return { db, config, startedAt: new Date() };
}

const holder = globalThis as unknown as { __dockmaster?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  holder.__dockmaster ??= boot().catch((err) => {
    holder.__dockmaster = undefined;
    throw err;
  });
  return holder.__dockmaster;
}

export async function getPrisma() {
  return (await getRuntime()).db.prisma;
}
