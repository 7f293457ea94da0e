/**
 * One app replica for test/inventory/reread-replica-kill.test.ts, in its own process: it opens the
 * shared PostgreSQL database, runs the pg-boss re-read worker as boot does on every replica (with the
 * expiry shortened so a killed replica's job comes back within seconds), and answers registry events
 * on POST /api/v1/events/<registry> the way the app route does. One JSON line on stdout says it is
 * ready and where it listens.
 *
 * argv: DATABASE_URL OWNER EVENTS_SECRET
 */
import http from "node:http";
import { openDatabase } from "@/lib/db/open";
import { receiveRegistryEvents } from "@/lib/inventory/index/events/receive";
import { startPgBossRereads } from "@/lib/inventory/index/reread-jobs";
import { readBody } from "../harness/http-util";
import { listenOnLoopback } from "../harness/loopback-server";

const [url, owner, secret] = process.argv.slice(2) as [string, string, string];

async function main() {
  const db = await openDatabase({ url, migrate: false });
  const queue = await startPgBossRereads(url, db.prisma, { pollingIntervalSeconds: 0.5, timings: { expireInSeconds: 10, retryDelaySeconds: 1, maintenanceIntervalSeconds: 1 } });
  const server = await listenOnLoopback(
    http.createServer(async (req, res) => {
      const registry = /^\/api\/v1\/events\/([^/?]+)$/.exec(req.url ?? "")?.[1];
      const body = (await readBody(req)).toString("utf8");
      if (req.method !== "POST" || !registry) return void res.writeHead(404).end();
      const out = await receiveRegistryEvents(db.prisma, { registry, authorization: req.headers.authorization ?? null, token: null, body }, { env: { DEV_EVENTS_SECRET: secret }, reread: (r) => queue.enqueue(r) });
      res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
    }),
  );
  process.stdout.write(`${JSON.stringify({ owner, event: "ready", url: server.url, pid: process.pid })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
