/**
 * The bottom of the stack: one undici Agent per registry connection (keep-alive pool per origin,
 * bounded sockets, header/body idle timeouts, TLS options) and nothing else.
 */
import { Agent } from "undici";
import type { Readable } from "node:stream";
import { mapNetworkError } from "./network-errors";
import type { RegistryResponse, Send } from "./types";

export interface HttpOptions {
  /** sockets per origin; requests beyond it queue inside undici */
  connections?: number;
  headersTimeoutMs?: number;
  /** idle time between body chunks, not total body time (large blobs may take long) */
  bodyTimeoutMs?: number;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  tls?: { insecureSkipVerify?: boolean; caPem?: string };
}

export interface HttpSender {
  send: Send;
  close(): Promise<void>;
}

export function createHttpSender(options: HttpOptions = {}): HttpSender {
  const agent = new Agent({
    connections: options.connections ?? 16,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: options.bodyTimeoutMs ?? 60_000,
    connect: {
      timeout: options.connectTimeoutMs ?? 10_000,
      rejectUnauthorized: !options.tls?.insecureSkipVerify,
      ...(options.tls?.caPem ? { ca: options.tls.caPem } : {}),
    },
  });

  const send: Send = async (req) => {
    const host = req.url.host;
    try {
      const res = await agent.request({
        origin: req.url.origin,
        path: req.url.pathname + req.url.search,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal: req.signal ?? null,
      });
      const response: RegistryResponse = {
        status: res.statusCode,
        headers: res.headers,
        body: res.body as unknown as Readable,
        request: req,
      };
      return response;
    } catch (err) {
      throw mapNetworkError(err, req, host);
    }
  };

  return {
    send,
    close: async () => {
      if (!agent.closed) await agent.close();
    },
  };
}
