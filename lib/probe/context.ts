/**
 * What probe kinds need from the outside world: providers for registries by name and the
 * environments' registry/namespace. The database-backed implementation is used by the app; it keeps
 * probe providers apart from the browsing ones because probes want their own deadline and no retries
 * (a retried failure would hide exactly what a probe is there to see).
 */
import { sinkStates, type SinkState } from "@/lib/audit/forward/forwarder";
import type { PrismaClient, Registry } from "@/lib/db/generated/client";
import { connectionFor } from "@/lib/inventory/connection";
import { createProvider, RegistryError, type ProviderConnection, type RegistryProvider } from "@/lib/registry";

export interface ProbeEnvironment {
  name: string;
  registryName: string;
  namespace: string;
}

export interface ProbeContext {
  /** A shared provider with this deadline per call (kept open across runs; not closed by the caller). */
  provider(registryName: string, opts: { timeoutMs: number }): Promise<RegistryProvider>;
  connection(registryName: string): Promise<ProviderConnection>;
  environment(name: string): Promise<ProbeEnvironment | null>;
  /** an audit sink's delivery state (audit_forwarding probes) */
  auditSink(name: string): Promise<SinkState | null>;
}

const NO_RETRY = { retry: { maxAttempts: 1 } };

export function probeProvider(conn: ProviderConnection, timeoutMs: number): RegistryProvider {
  return createProvider({ ...conn, timeoutMs }, NO_RETRY);
}

const holder = globalThis as unknown as { __dmProbeProviders?: Map<string, RegistryProvider> };
const cache = (holder.__dmProbeProviders ??= new Map());

function cachedProvider(row: Registry, timeoutMs: number): RegistryProvider {
  const key = `${row.id}:${row.updatedAt.getTime()}:${timeoutMs}`;
  let provider = cache.get(key);
  if (!provider) {
    // A changed row makes the old entries unreachable: close and forget them.
    for (const [k, p] of cache) {
      if (k.startsWith(`${row.id}:`) && k !== key) {
        cache.delete(k);
        void p.close().catch(() => undefined);
      }
    }
    provider = probeProvider(connectionFor(row), timeoutMs);
    cache.set(key, provider);
  }
  return provider;
}

export function dbProbeContext(prisma: PrismaClient): ProbeContext {
  const row = async (name: string) => {
    const r = await prisma.registry.findUnique({ where: { name } });
    if (!r) throw new RegistryError({ kind: "not_found", registry: name, message: `registry "${name}" is not configured (any more)` });
    return r;
  };
  return {
    async provider(name, { timeoutMs }) {
      return cachedProvider(await row(name), timeoutMs);
    },
    async connection(name) {
      return connectionFor(await row(name));
    },
    async environment(name) {
      const e = await prisma.environment.findUnique({ where: { name }, include: { registry: { select: { name: true } } } });
      return e ? { name: e.name, registryName: e.registry.name, namespace: e.namespace } : null;
    },
    async auditSink(name) {
      return (await sinkStates(prisma, name))[0] ?? null;
    },
  };
}

/** A context over fixed connections, without a database: tests and benchmarks. */
export function staticProbeContext(connections: ProviderConnection[], environments: ProbeEnvironment[] = []): ProbeContext & { close(): Promise<void> } {
  const shared = new Map<string, RegistryProvider>();
  const conn = (name: string) => {
    const c = connections.find((x) => x.name === name);
    if (!c) throw new RegistryError({ kind: "not_found", registry: name, message: `registry "${name}" is not configured` });
    return c;
  };
  return {
    async provider(name, { timeoutMs }) {
      const key = `${name}:${timeoutMs}`;
      let p = shared.get(key);
      if (!p) shared.set(key, (p = probeProvider(conn(name), timeoutMs)));
      return p;
    },
    async connection(name) {
      return conn(name);
    },
    async environment(name) {
      return environments.find((e) => e.name === name) ?? null;
    },
    async auditSink() {
      return null;
    },
    async close() {
      await Promise.all([...shared.values()].map((p) => p.close()));
      shared.clear();
    },
  };
}
