/**
 * Small HTTP pieces shared by the test servers that proxy or authenticate requests themselves
 * (fault-proxy.ts, the simulators' http-sim.ts, token-server.ts). Node APIs only, so vitest and
 * Playwright can both import it.
 */
import type http from "node:http";

/** Headers that describe one connection, not the message, and so are not forwarded by a proxy. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"]);

/** Reads a whole body (of an incoming request or an upstream response) into one buffer. */
export function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** Upstream response headers to pass on: all but the hop-by-hop ones and those named in `drop` (lower case). */
export function forwardedHeaders(headers: http.IncomingHttpHeaders, drop: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The credentials of a Basic Authorization header; undefined if there is none, it is not Basic, or it has no colon. */
export function parseBasicAuth(authorization: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(String(authorization ?? ""));
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i < 0 ? undefined : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
