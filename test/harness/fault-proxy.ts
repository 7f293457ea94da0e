/**
 * An HTTP reverse proxy in front of a registry that misbehaves on demand. Each rule matches requests
 * by method and path and applies one fault to the first `times` matches (default: all), then lets them
 * pass. Every request is logged with its arrival time, so tests can count retries and measure waits.
 *
 * The Host header is passed through unchanged, so the registry builds Location/Link URLs that point
 * back at the proxy and follow-up requests stay under test.
 */
import http from "node:http";
import { forwardedHeaders, readBody } from "./http-util";
import { listenOnLoopback } from "./loopback-server";

export type FaultAction =
  /** hold the request this long before forwarding it */
  | { kind: "delay"; ms: number }
  /** close the connection without answering; with afterBytes, after sending headers and that many body bytes */
  | { kind: "drop"; afterBytes?: number }
  /** answer this status without forwarding */
  | { kind: "status"; status: number; retryAfter?: string; body?: string; headers?: Record<string, string> }
  /** forward, then flip `count` bytes of the body starting at `offset` (length unchanged) */
  | { kind: "corrupt"; offset?: number; count?: number }
  /**
   * forward, then send only `keepBytes` of the body. By default Content-Length still announces the
   * full size and the connection is closed; with fixLength the shortened body is sent with a matching
   * Content-Length, so only a digest check can notice.
   */
  | { kind: "truncate"; keepBytes: number; fixLength?: boolean }
  /** forward, then replace the body; dropHeaders removes e.g. docker-content-digest */
  | { kind: "replace-body"; body: string | Uint8Array; dropHeaders?: string[] }
  /**
   * forward (after delayMs), then set these response headers on the registry's answer, e.g. a hostile
   * `Link` computed per request from its path and how many requests the rule has matched so far
   */
  | { kind: "set-headers"; headers: (path: string, hit: number) => Record<string, string>; delayMs?: number };

export interface FaultRule {
  method?: string;
  /** exact pathname, or a RegExp tested against pathname + search */
  path?: string | RegExp;
  /** how many matching requests get the fault; default unlimited */
  times?: number;
  action: FaultAction;
}

export interface ProxyLogEntry {
  at: number;
  method: string;
  /** pathname + search */
  path: string;
  /** the fault applied to this request, if any */
  fault?: FaultAction["kind"];
  /** the client's source port: tells which of several client processes sent it */
  remotePort?: number;
}

export interface FaultProxy {
  url: string;
  host: string;
  port: number;
  log: ProxyLogEntry[];
  addRule(rule: FaultRule): { hits(): number };
  clearRules(): void;
  /** clear rules and the request log, between tests */
  reset(): void;
  /** log entries whose path matches */
  requestsTo(path: string | RegExp, method?: string): ProxyLogEntry[];
  stop(): Promise<void>;
}

interface ActiveRule {
  rule: FaultRule;
  hits: number;
}

interface PickedAction {
  action: FaultAction;
  /** how many requests the rule had matched, this one included */
  hit: number;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === "string") return path.split("?")[0] === rule.path;
  return rule.path.test(path);
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const rules: ActiveRule[] = [];
  const log: ProxyLogEntry[] = [];
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  const pickRule = (method: string, path: string): PickedAction | undefined => {
    for (const active of rules) {
      if (!matches(active.rule, method, path)) continue;
      if (active.rule.times !== undefined && active.hits >= active.rule.times) continue;
      active.hits++;
      return { action: active.rule.action, hit: active.hits };
    }
    return undefined;
  };

  const server = http.createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const picked = pickRule(method, path);
    const action = picked?.action;
    log.push({ at: Date.now(), method, path, remotePort: req.socket.remotePort, ...(action ? { fault: action.kind } : {}) });

    if (action?.kind === "status") {
      req.resume();
      res.writeHead(action.status, {
        "content-type": "application/json",
        ...(action.retryAfter !== undefined ? { "retry-after": action.retryAfter } : {}),
        ...action.headers,
      });
      res.end(action.body ?? JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: `injected ${action.status}` }] }));
      return;
    }
    if (action?.kind === "drop" && action.afterBytes === undefined) {
      req.socket.destroy();
      return;
    }
    if (action?.kind === "delay" || (action?.kind === "set-headers" && action.delayMs)) {
      await new Promise((r) => setTimeout(r, action.kind === "delay" ? action.ms : action.delayMs));
      if (req.socket.destroyed) return;
    }

    const upstream = http.request(
      { host: target.hostname, port: target.port, method, path, headers: req.headers, agent: upstreamAgent },
      async (up) => {
        const status = up.statusCode ?? 502;
        if (!action || action.kind === "delay") {
          res.writeHead(status, forwardedHeaders(up.headers));
          up.pipe(res);
          return;
        }
        if (action.kind === "set-headers") {
          res.writeHead(status, { ...forwardedHeaders(up.headers), ...action.headers(path, picked?.hit ?? 0) });
          up.pipe(res);
          return;
        }
        const body = await readBody(up);
        switch (action.kind) {
          case "drop": {
            res.writeHead(status, forwardedHeaders(up.headers));
            res.write(body.subarray(0, action.afterBytes));
            // let the bytes leave before cutting the connection
            setTimeout(() => req.socket.destroy(), 20);
            return;
          }
          case "truncate": {
            const kept = body.subarray(0, action.keepBytes);
            if (action.fixLength) {
              res.writeHead(status, { ...forwardedHeaders(up.headers, ["content-length"]), "content-length": String(kept.length) });
              res.end(kept);
            } else {
              res.writeHead(status, forwardedHeaders(up.headers));
              res.write(kept);
              setTimeout(() => req.socket.end(), 20);
            }
            return;
          }
          case "corrupt": {
            const copy = Buffer.from(body);
            const start = Math.min(action.offset ?? Math.floor(copy.length / 2), Math.max(0, copy.length - 1));
            for (let i = start; i < Math.min(copy.length, start + (action.count ?? 1)); i++) copy[i] = (copy[i] as number) ^ 0xff;
            res.writeHead(status, forwardedHeaders(up.headers));
            res.end(copy);
            return;
          }
          case "replace-body": {
            const replacement = typeof action.body === "string" ? Buffer.from(action.body) : Buffer.from(action.body);
            res.writeHead(status, {
              ...forwardedHeaders(up.headers, ["content-length", ...(action.dropHeaders ?? []).map((h) => h.toLowerCase())]),
              "content-length": String(replacement.length),
            });
            res.end(replacement);
            return;
          }
        }
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else req.socket.destroy();
    });
    req.pipe(upstream);
  });

  const listener = await listenOnLoopback(server);

  return {
    url: listener.url,
    host: listener.host,
    port: listener.port,
    log,
    addRule(rule) {
      const active: ActiveRule = { rule, hits: 0 };
      rules.push(active);
      return { hits: () => active.hits };
    },
    clearRules() {
      rules.length = 0;
    },
    reset() {
      rules.length = 0;
      log.length = 0;
    },
    requestsTo(path, method) {
      return log.filter((entry) => (!method || entry.method === method) && matches({ path, action: { kind: "delay", ms: 0 } }, entry.method, entry.path));
    },
    stop: async () => {
      upstreamAgent.destroy();
      await listener.close();
    },
  };
}
