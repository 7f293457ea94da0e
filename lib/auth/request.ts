import { headers } from "next/headers";

/**
 * The caller's address. scripts/server.mjs overwrites x-forwarded-for with the socket address
 * unless DOCKMASTER_TRUST_PROXY is set, so clients cannot pick their own IP for rate limits.
 */
export function clientIpFrom(h: { get(name: string): string | null }): string | null {
  const xff = h.get("x-forwarded-for");
  if (!xff) return null;
  const first = xff.split(",")[0]?.trim();
  return first ? first.replace(/^::ffff:/, "") : null;
}

export async function requestIp(): Promise<string | null> {
  return clientIpFrom(await headers());
}
