import type { Registry } from "@/lib/db/generated/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import { createProvider, RegistryError, type ProviderConnection, type RegistryProvider } from "@/lib/registry";
import { readFileSync } from "node:fs";

/**
 * Turns a registry row into a live provider. The secret is resolved here, on the server, at the
 * last moment (env var or sealed ciphertext) and never leaves this module except inside the
 * provider's Authorization headers.
 */
export function connectionFor(r: Registry, env: Record<string, string | undefined> = process.env): ProviderConnection {
  let secret: string | undefined;
  if (r.secretCiphertext) secret = decryptSecret(r.secretCiphertext);
  else if (r.secretEnvRef) {
    secret = env[r.secretEnvRef];
    if (secret === undefined) {
      throw new RegistryError({ kind: "unauthorized", registry: r.name, message: `registry "${r.name}": environment variable ${r.secretEnvRef} holding its credential is not set` });
    }
  }
  const auth: ProviderConnection["auth"] =
    r.username && secret !== undefined ? { kind: "basic", username: r.username, password: secret } : secret !== undefined ? { kind: "bearer-token", token: secret } : { kind: "anonymous" };
  let caPem: string | undefined;
  if (r.caFile) {
    try {
      caPem = readFileSync(/* turbopackIgnore: true */ r.caFile, "utf8");
    } catch (err) {
      throw new RegistryError({ kind: "unreachable", registry: r.name, message: `registry "${r.name}": cannot read its CA file ${r.caFile}: ${(err as Error).message}` });
    }
  }
  return { kind: r.kind, name: r.name, url: r.url, auth, tls: { insecureSkipVerify: r.insecureSkipVerify, caPem } };
}

const holder = globalThis as unknown as { __dmProviders?: Map<string, { version: number; provider: RegistryProvider }> };
const providers = (holder.__dmProviders ??= new Map());

/** One provider per registry and row version, so connection pools and token caches are reused across requests. */
export function providerFor(r: Registry): RegistryProvider {
  const version = r.updatedAt.getTime();
  const cached = providers.get(r.id);
  if (cached && cached.version === version) return cached.provider;
  if (cached) void cached.provider.close().catch(() => undefined);
  const provider = createProvider(connectionFor(r));
  providers.set(r.id, { version, provider });
  return provider;
}
