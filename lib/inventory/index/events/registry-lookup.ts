/**
 * The registry an event request names, as the receiver needs it (kind, events secret's variable,
 * environments), remembered for a moment per database client. Distribution's notification endpoint
 * sends one event per request, one request at a time, so the receiver's time per request bounds the
 * push rate it can follow; at 50 pushes/s (plus the pull events our own re-reads cause) this lookup
 * was a third of that time. The secret itself is still read from the environment on every request,
 * and an unknown name is never remembered, so a registry added to dockmaster.yaml is served at once;
 * a changed or removed registry is seen within LOOKUP_TTL_MS.
 */
import type { PrismaClient } from "@/lib/db/generated/client";

const LOOKUP_TTL_MS = 2000;

export interface EventRegistry {
  name: string;
  kind: string;
  options: unknown;
  environments: { name: string; namespace: string }[];
}

const remembered = new WeakMap<PrismaClient, Map<string, { until: number; registry: EventRegistry }>>();

export async function eventRegistry(prisma: PrismaClient, name: string): Promise<EventRegistry | null> {
  let byName = remembered.get(prisma);
  if (!byName) remembered.set(prisma, (byName = new Map()));
  const hit = byName.get(name);
  if (hit && hit.until > Date.now()) return hit.registry;
  const registry = await prisma.registry.findUnique({ where: { name }, select: { name: true, kind: true, options: true, environments: { select: { name: true, namespace: true } } } });
  if (registry) byName.set(name, { until: Date.now() + LOOKUP_TTL_MS, registry });
  else byName.delete(name);
  return registry;
}
