import type { Registry } from "@/lib/db/generated/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import { createProvider, RegistryError, type ProviderConnection, type RegistryProvider } from "@/lib/registry";
import { readFileSync } from "node:fs";
import { catalogChanged } from "./changes";
import { topNamespace } from "./namespace";

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
  return assembleConnection(r, secret, env);
}

/** What a connection is made of besides the secret: a stored row, or the values typed into the Settings form (Test connection). */
type ConnectionSource = Pick<Registry, "name" | "kind" | "url" | "username" | "insecureSkipVerify" | "caFile" | "options"> & { environments?: { namespace: string }[] };

/** A connection from a registry's settings and its secret, already resolved by the caller. */
export function assembleConnection(r: ConnectionSource, secret: string | undefined, env: Record<string, string | undefined> = process.env): ProviderConnection {
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
  const tokenRealms = configuredTokenRealms(r);
  const base = { kind: r.kind, name: r.name, url: r.url, auth, tls: { insecureSkipVerify: r.insecureSkipVerify, caPem }, ...(tokenRealms.length ? { tokenRealms } : {}) };
  if (r.kind === "ecr") return { ...base, auth: { kind: "anonymous" }, aws: awsSettings(r, secret, env) };
  if (r.kind === "dockerhub") return { ...base, namespaces: hubNamespaces(r) };
  return base;
}

type RegistryOptions = { region?: unknown; accessKeyIdEnv?: unknown; accessKeyId?: unknown; endpoint?: unknown; namespaces?: unknown; tokenRealms?: unknown } | null;
const registryOptions = (r: ConnectionSource): NonNullable<RegistryOptions> => (r.options && typeof r.options === "object" && !Array.isArray(r.options) ? (r.options as NonNullable<RegistryOptions>) : {});

/**
 * `tokenRealms:` of the registry's dockmaster.yaml entry: token services on other hosts that may
 * receive its credentials. The Settings form cannot set it, so a registry added there only ever
 * authenticates against its own host (see lib/registry/transport/realm-policy.ts).
 */
function configuredTokenRealms(r: ConnectionSource): string[] {
  const listed = registryOptions(r).tokenRealms;
  return Array.isArray(listed) ? listed.filter((x): x is string => typeof x === "string") : [];
}

/**
 * ECR signs API calls with an AWS key pair: the access key id comes from the variable named in
 * options.accessKeyIdEnv (dockmaster.yaml) or options.accessKeyId (typed into the Settings form),
 * the secret is the registry's credential. Without them the AWS SDK's default
 * chain applies (instance role, AWS_* variables, shared config). `options.endpoint` (or the SDK's own
 * AWS_ENDPOINT_URL_ECR) points the API elsewhere: a VPC endpoint, or a simulator in tests.
 */
function awsSettings(r: ConnectionSource, secret: string | undefined, env: Record<string, string | undefined>): NonNullable<ProviderConnection["aws"]> {
  const o = registryOptions(r);
  const region = typeof o.region === "string" && o.region ? o.region : /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(r.url)?.[1];
  if (!region) throw new RegistryError({ kind: "unsupported", registry: r.name, message: `ECR registry "${r.name}": no region configured and none in its URL ${r.url}` });
  const keyEnv = typeof o.accessKeyIdEnv === "string" ? o.accessKeyIdEnv : undefined;
  const accessKeyId = keyEnv ? env[keyEnv] : typeof o.accessKeyId === "string" && o.accessKeyId ? o.accessKeyId : undefined;
  if (keyEnv && accessKeyId === undefined) {
    throw new RegistryError({ kind: "unauthorized", registry: r.name, message: `registry "${r.name}": environment variable ${keyEnv} holding its AWS access key id is not set` });
  }
  return {
    region,
    ...(accessKeyId && secret !== undefined ? { accessKeyId, secretAccessKey: secret } : {}),
    ...(typeof o.endpoint === "string" && o.endpoint ? { endpoint: o.endpoint } : {}),
  };
}

/** Docker Hub lists repositories per namespace: the ones named in options plus those of its environments. */
function hubNamespaces(r: ConnectionSource): string[] {
  const o = registryOptions(r);
  const configured = Array.isArray(o.namespaces) ? o.namespaces.filter((n): n is string => typeof n === "string") : [];
  return [...new Set([...configured, ...(r.environments ?? []).map((e) => topNamespace(e.namespace))].filter(Boolean))];
}

const holder = globalThis as unknown as { __dmProviders?: Map<string, { version: number; provider: RegistryProvider }> };
const providers = (holder.__dmProviders ??= new Map());

/** One provider per registry and row version, so connection pools and token caches are reused across requests. */
export function providerFor(r: Registry): RegistryProvider {
  const version = r.updatedAt.getTime();
  const cached = providers.get(r.id);
  if (cached && cached.version === version) {
    // a Docker Hub provider learns the namespaces of environments added to its registry later
    const hub = cached.provider as RegistryProvider & { addNamespaces?: (n: string[]) => boolean };
    if (r.kind === "dockerhub" && hub.addNamespaces?.(hubNamespaces(r))) catalogChanged(r.name);
    return cached.provider;
  }
  if (cached) void cached.provider.close().catch(() => undefined);
  const provider = createProvider(connectionFor(r));
  providers.set(r.id, { version, provider });
  return provider;
}
