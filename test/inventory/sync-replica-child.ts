/**
 * One app replica for test/inventory/multi-replica.test.ts, in its own process: it opens the shared
 * PostgreSQL database and keeps asking for a full sync of one environment, as the maintenance job does
 * on every replica, until a sync actually ran (it held the lease). Each attempt is one JSON line on
 * stdout, so the test sees who was refused, when, and what the sync that ran did.
 *
 * argv: DATABASE_URL REGISTRY_URL NAMESPACE OWNER LEASE_MS
 */
import { openDatabase } from "@/lib/db/open";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createOciProvider } from "@/lib/registry/oci/provider";

const [url, registryUrl, namespace, owner, leaseMs] = process.argv.slice(2) as [string, string, string, string, string];
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ owner, at: Date.now(), ...line })}\n`);

async function main() {
  const db = await openDatabase({ url, migrate: false });
  const provider = createOciProvider({ name: "replica", url: registryUrl, auth: { kind: "anonymous" } });
  say({ event: "ready" });
  for (;;) {
    const startedAt = Date.now();
    say({ event: "attempt" });
    const report = await syncEnvironment(db.prisma, { environment: "dev", namespace, provider }, { mode: "full", owner, leaseMs: Number(leaseMs), concurrency: 4 });
    if (report.ran) {
      say({ event: "synced", startedAt, tags: report.tags, errors: report.errors, changes: report.changes });
      break;
    }
    say({ event: "busy" });
    await new Promise((r) => setTimeout(r, 100));
  }
  await provider.close();
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
