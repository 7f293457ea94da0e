/**
 * The OCI client is a plain context object passed to small endpoint functions (catalog.ts,
 * manifests.ts, blobs.ts, upload.ts, referrers.ts, describe.ts) rather than one large class, so other
 * providers can reuse exactly the pieces they need.
 */
import type { RegistryConnection } from "../provider";
import { parseManifestRef, validateRepositoryName } from "../reference";
import type { ChallengeDiscovery } from "../transport/challenge-discovery";
import { createTransport, type Transport, type TransportOptions } from "../transport/transport";
import type { RegistryRequest, RegistryResponse, Send } from "../transport/types";

export interface OciClientOptions extends TransportOptions {
  /** fan-out limit for multi-request operations such as describeArtifact; default 6 */
  concurrency?: number;
}

export interface OciClient {
  name: string;
  send: Send;
  sendPlain: Send;
  registryUrl: URL;
  host: string;
  /** the auth step's knowledge of the registry's challenge (see Transport) */
  challenges: ChallengeDiscovery;
  concurrency: number;
  /** serialises read-modify-write of referrers fallback indexes within this process */
  referrerIndexLocks: Map<string, Promise<unknown>>;
  close(): Promise<void>;
}

/**
 * Sends with our credentials only to the registry itself; a URL on another origin (a blob redirect
 * to object storage, an upload location elsewhere) goes without them.
 */
export function sendByOrigin(client: OciClient, req: RegistryRequest): Promise<RegistryResponse> {
  return req.url.origin === client.registryUrl.origin ? client.send(req) : client.sendPlain(req);
}

export function createOciClient(conn: RegistryConnection, options: OciClientOptions = {}): OciClient {
  const transport: Transport = createTransport(conn, options);
  return {
    name: conn.name,
    send: transport.send,
    sendPlain: transport.sendPlain,
    registryUrl: transport.registryUrl,
    host: transport.host,
    challenges: transport.challenges,
    concurrency: options.concurrency ?? 6,
    referrerIndexLocks: new Map(),
    close: transport.close,
  };
}

/** `/v2/<repo>/<segments…>` on the registry, after validating the repository name. */
export function repoUrl(client: OciClient, repository: string, ...segments: string[]): URL {
  validateRepositoryName(repository);
  return new URL(`/v2/${repository}/${segments.join("/")}`, client.registryUrl);
}

export function manifestUrl(client: OciClient, repository: string, reference: string): URL {
  parseManifestRef(reference);
  return repoUrl(client, repository, "manifests", reference);
}

export const scope = {
  pull: (repository: string) => `repository:${repository}:pull`,
  push: (repository: string) => `repository:${repository}:pull,push`,
  delete: (repository: string) => `repository:${repository}:delete`,
  catalog: "registry:catalog:*",
} as const;

/** "team/app:latest" or "team/app@sha256:…" for messages */
export function refLabel(repository: string, reference: string): string {
  return reference.includes(":") ? `${repository}@${reference}` : `${repository}:${reference}`;
}
