/**
 * POST /api/v1/events/<registry>: a registry tells us what changed. The sender proves itself with the
 * registry's `events.secret` (dockmaster.yaml), as `Authorization: Bearer <secret>` or `?token=<secret>`
 * for senders that cannot set headers. Anything unproven is 401 and writes nothing; an unknown
 * registry is answered the same way, so the endpoint does not reveal which registry names exist.
 *
 * Each event is applied at once (searchable within seconds) and at most once (its id is recorded), and
 * then re-read from the registry: an event never replaces a read of the truth. An event that names its
 * tag (a push or a tag delete) asks for that tag alone; one that cannot be pinned to a tag (a manifest
 * deleted by digest, a push by digest) asks for the whole repository (reread-queue.ts collapses both).
 * A pull (Harbor's PULL_ARTIFACT) only sets its tags' pull time: no re-read, and no receipt, since
 * applying it twice changes nothing and pulls come far more often than pushes.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { environmentOf } from "@/lib/inventory/namespace";
import { isReferrersTag } from "@/lib/registry";
import { applyObservationsWithin } from "../snapshot";
import { distributionChanges } from "./distribution";
import { dockerhubChanges } from "./dockerhub";
import { ecrChanges } from "./ecr";
import { harborChanges } from "./harbor";
import { eventRegistry } from "./registry-lookup";
import type { ParsedEvents, RegistryEventChange } from "./types";

/** Each registry kind's body format: what its parser reads, and its name in a 400. */
const PARSERS: Record<string, { format: string; parse: (body: unknown) => ParsedEvents }> = {
  oci: { format: "a Distribution notification envelope", parse: distributionChanges },
  harbor: { format: "a Harbor webhook payload", parse: harborChanges },
  ecr: { format: "an EventBridge ECR event", parse: ecrChanges },
  dockerhub: { format: "a Docker Hub webhook payload", parse: dockerhubChanges },
};

/** Distribution sends a handful of events per request; a megabyte is far beyond any honest batch. */
export const MAX_EVENT_BODY_BYTES = 1024 * 1024;

export interface EventRequest {
  registry: string;
  authorization: string | null;
  /** the `token` query parameter */
  token: string | null;
  /** the sender already proved itself with a Dockmaster API token allowed events.deliver (app route) */
  viaApiToken?: true;
  body: string;
}

export interface EventResponse {
  status: 202 | 400 | 401 | 413;
  body: { error: string } | { applied: number; duplicates: number; ignored: number; unmapped: number };
}

export interface RereadRequest {
  environment: string;
  repository: string;
  /** digests whose scan report changed (scan-completed events): read into the index */
  scans?: string[];
  /** only scans changed: the repository's tags need no re-read */
  scansOnly?: true;
  /** only these tags changed: read them alone (see rereadTags); without, the whole repository */
  tags?: string[];
}

export async function receiveRegistryEvents(
  prisma: PrismaClient,
  req: EventRequest,
  deps: { env?: Record<string, string | undefined>; reread?: (r: RereadRequest) => unknown } = {},
): Promise<EventResponse> {
  const env = deps.env ?? process.env;
  const registry = await eventRegistry(prisma, req.registry);
  const secretEnv = registry ? eventsSecretEnv(registry.options) : null;
  const secret = secretEnv ? env[secretEnv] : undefined;
  const offered = bearer(req.authorization) ?? req.token;
  const proven = req.viaApiToken === true || (!!secret && !!offered && sameSecret(offered, secret));
  if (!registry || !proven) {
    return { status: 401, body: { error: "unknown registry or wrong events secret" } };
  }
  if (Buffer.byteLength(req.body) > MAX_EVENT_BODY_BYTES) {
    return { status: 413, body: { error: `event body larger than ${MAX_EVENT_BODY_BYTES} bytes` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(req.body);
  } catch {
    return { status: 400, body: { error: "event body is not valid JSON" } };
  }
  const parser = PARSERS[registry.kind];
  if (!parser) return { status: 400, body: { error: `events from ${registry.kind} registries are not supported` } };
  const changes = parser.parse(json);
  if ("error" in changes) return { status: 400, body: { error: `not ${parser.format}: ${changes.error}` } };

  const result = { applied: 0, duplicates: 0, ignored: 0, unmapped: 0 };
  const mapped: { environment: string; change: Exclude<RegistryEventChange, { kind: "ignored" }> }[] = [];
  for (const change of changes) {
    if (change.kind === "ignored") {
      result.ignored++;
      continue;
    }
    const environment = environmentOf(change.repository, registry.environments)?.name;
    if (environment) mapped.push({ environment, change });
    else result.unmapped++;
  }
  // Receipts and changes in one transaction: an event is recorded if and only if it was applied, so
  // a failure leaves nothing behind for the sender's retry to trip over, and a request costs one
  // commit instead of one per statement (the registry waits for each answer before sending on). Two
  // replicas handed the same event: the second receipt insert waits for the first transaction and
  // then finds the row, so the event is applied once.
  const applied = await prisma.$transaction(async (tx) => {
    const done: typeof mapped = [];
    for (const m of mapped) {
      if (m.change.kind === "pulled") {
        await recordPull(tx, m.environment, m.change);
        done.push(m);
        continue;
      }
      const fresh = await tx.$executeRaw`INSERT INTO "InventoryEventReceipt" ("registry", "eventId") VALUES (${registry.name}, ${m.change.id}) ON CONFLICT DO NOTHING`;
      if (fresh === 0) continue;
      await applyChange(tx, m.environment, m.change);
      done.push(m);
    }
    return done;
  }, TX_OPTIONS);
  result.applied = applied.length;
  result.duplicates = mapped.length - applied.length;
  const rereads = new Map<string, { environment: string; repository: string; scans: Set<string>; tags: Set<string>; whole: boolean }>();
  for (const { environment, change } of applied) {
    if (change.kind === "pulled") continue;
    const key = `${environment}\u0000${change.repository}`;
    const r = rereads.get(key) ?? { environment, repository: change.repository, scans: new Set<string>(), tags: new Set<string>(), whole: false };
    if (change.kind === "scanned") r.scans.add(change.digest);
    else if ((change.kind === "tagged" || change.kind === "tag-deleted") && !isReferrersTag(change.tag)) r.tags.add(change.tag);
    else r.whole = true;
    rereads.set(key, r);
  }
  for (const r of rereads.values()) {
    const request: RereadRequest = {
      environment: r.environment,
      repository: r.repository,
      ...(r.scans.size ? { scans: [...r.scans] } : {}),
      ...(r.whole ? {} : r.tags.size ? { tags: [...r.tags] } : { scansOnly: true as const }),
    };
    // the event is applied already: a re-read that cannot be queued is left to the next sync
    await Promise.resolve(deps.reread?.(request)).catch((err: unknown) => console.error(`[inventory] could not queue a re-read of ${r.environment}/${r.repository}: ${(err as Error).message}`));
  }
  return { status: 202, body: result };
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
/** a registry may hold a request while its transaction waits for another replica's lock */
const TX_OPTIONS = { timeout: 30_000, maxWait: 30_000 };

async function applyChange(tx: Tx, environment: string, change: Exclude<RegistryEventChange, { kind: "ignored" }>): Promise<void> {
  const base = { environment, repository: change.repository, coverage: "partial" as const };
  const ctx = { source: "event" as const, actor: change.actor };
  // A referrers tag (`sha256-<hex>`, a signature or SBOM was attached) is no image tag: the index never
  // holds one, or the overview would count it as a tag. The whole-repository re-read it triggers reads
  // the referrers in (enrich.ts), as a sync does.
  if ((change.kind === "tagged" || change.kind === "tag-deleted") && isReferrersTag(change.tag)) return;
  if (change.kind === "tagged") await applyObservationsWithin(tx, [{ ...base, tags: new Map([[change.tag, change.digest]]) }], ctx);
  else if (change.kind === "tag-deleted") await applyObservationsWithin(tx, [{ ...base, tags: new Map(), deleted: [change.tag] }], ctx);
  else if (change.kind === "manifest-deleted") {
    const tags = await tx.inventoryTag.findMany({ where: { environment, repository: change.repository, digest: change.digest }, select: { tag: true } });
    if (tags.length) await applyObservationsWithin(tx, [{ ...base, tags: new Map(), deleted: tags.map((t) => t.tag) }], ctx);
  }
}

/** Only ever forward: a replayed or late pull event does not move a newer pull time back. */
async function recordPull(tx: Tx, environment: string, change: Extract<RegistryEventChange, { kind: "pulled" }>): Promise<void> {
  const at = new Date(change.at);
  await tx.inventoryTag.updateMany({ where: { environment, repository: change.repository, digest: change.digest, OR: [{ pulledAt: null }, { pulledAt: { lt: at } }] }, data: { pulledAt: at } });
}

function eventsSecretEnv(options: unknown): string | null {
  const o = options && typeof options === "object" && !Array.isArray(options) ? (options as { eventsSecretEnv?: unknown }) : {};
  return typeof o.eventsSecretEnv === "string" && o.eventsSecretEnv ? o.eventsSecretEnv : null;
}

function bearer(header: string | null): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1] ?? null;
}

/** Compares hashes so neither the length nor the content of the secret leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
