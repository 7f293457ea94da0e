/**
 * ECR's registry takes Basic `AWS:<token>` credentials, the token coming from GetAuthorizationToken
 * and valid for 12 hours. We keep one OCI client per token and replace it shortly before the token
 * expires, or at once when the registry refuses it (revoked, or the account's keys rotated).
 */
import { GetAuthorizationTokenCommand, type ECRClient } from "@aws-sdk/client-ecr";
import { RegistryError } from "../errors";
import { createOciProvider, type OciProvider } from "../oci/provider";
import type { OciClientOptions } from "../oci/client";
import type { RegistryConnection } from "../provider";
import { mapEcrError } from "./errors";

interface Current {
  provider: OciProvider;
  /** epoch ms after which we fetch a new token */
  refreshAt: number;
  expiresAt: number;
}

export interface EcrTokenSource {
  oci(): Promise<OciProvider>;
  /** the registry refused the token of `provider`: forget it */
  invalidate(provider: OciProvider): void;
  tokenExpiresAt(): number | undefined;
  close(): Promise<void>;
}

export function refreshTime(receivedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - receivedAt);
  return expiresAt - Math.min(5 * 60_000, lifetime * 0.1);
}

export function createTokenSource(conn: RegistryConnection, api: ECRClient, apiHost: string, options: OciClientOptions = {}, now: () => number = Date.now): EcrTokenSource {
  let current: Current | undefined;
  let pending: Promise<Current> | undefined;
  const retired = new Set<OciProvider>();
  // requests may still be using a replaced client: close it a little later
  const retire = (p: OciProvider) => {
    retired.add(p);
    setTimeout(() => {
      retired.delete(p);
      void p.close().catch(() => undefined);
    }, 60_000).unref();
  };

  async function fetchToken(): Promise<Current> {
    let data;
    try {
      data = (await api.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
    } catch (err) {
      throw mapEcrError(err, apiHost, "authorization token");
    }
    const decoded = data?.authorizationToken ? Buffer.from(data.authorizationToken, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon < 1) throw new RegistryError({ kind: "bad_response", registry: apiHost, message: `ECR API ${apiHost} returned an authorization token that is not "user:password" base64` });
    const receivedAt = now();
    const expiresAt = data?.expiresAt ? data.expiresAt.getTime() : receivedAt + 12 * 3600_000;
    const provider = createOciProvider({ ...conn, auth: { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } }, options);
    return { provider, expiresAt, refreshAt: refreshTime(receivedAt, expiresAt) };
  }

  return {
    async oci() {
      if (current && now() < current.refreshAt) return current.provider;
      pending ??= fetchToken().then(
        (next) => {
          if (current) retire(current.provider);
          current = next;
          pending = undefined;
          return next;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return (await pending).provider;
    },
    invalidate(provider) {
      if (current?.provider === provider) {
        retire(provider);
        current = undefined;
      }
    },
    tokenExpiresAt: () => current?.expiresAt,
    async close() {
      await Promise.all([...retired, ...(current ? [current.provider] : [])].map((p) => p.close().catch(() => undefined)));
    },
  };
}
