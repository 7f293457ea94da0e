/**
 * The loopback HTTP server under every simulator (Harbor, ECR, Docker Hub): routes API requests to the
 * simulator's handler, forwards registry traffic (/v2/…) to a real docker-registry, injects faults on
 * demand, and checks EVERY API response it sends against the vendor's spec. Problems are collected, not
 * thrown, so a test can assert `sim.violations()` is empty after each case and see all of them at once.
 */
import http from "node:http";
import { forwardedHeaders, HOP_BY_HOP, parseBasicAuth, readBody } from "../harness/http-util";
import { listenOnLoopback } from "../harness/loopback-server";

export interface SimRequest {
  method: string;
  url: URL;
  /** pathname as received, still percent-encoded */
  rawPath: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface SimReply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

export interface Exchange {
  at: number;
  method: string;
  /** pathname + search as received */
  path: string;
  status: number;
  contentType?: string;
  body: Buffer;
  /** extra request facts a spec check may need (e.g. the AWS operation name) */
  tag?: string;
  fault?: "status" | "malformed";
  /** the request's headers, for tests asserting what a client sent (e.g. X-Accept-Vulnerabilities) */
  requestHeaders?: http.IncomingHttpHeaders;
}

export interface Fault {
  method?: string;
  /** exact pathname, or RegExp on pathname + search */
  path?: string | RegExp;
  /** only requests whose tag matches (e.g. an X-Amz-Target operation) */
  tag?: string;
  /** how many matching requests get it; default 1 */
  times?: number;
  status?: number;
  retryAfter?: string;
  /** a 200 whose body is cut off mid-JSON */
  malformed?: boolean;
  /** replaces the default error body for the status */
  body?: unknown;
}

export interface SimOptions {
  name: string;
  handle(req: SimRequest): Promise<SimReply> | SimReply;
  /** spec problems of one API exchange; empty when it conforms */
  check(exchange: Exchange): string[];
  /** the simulator's spec-conformant error body for a status (used by status faults) */
  errorReply(status: number, message: string, req: SimRequest): SimReply;
  /** a label for the request, e.g. the AWS operation from X-Amz-Target */
  tagOf?(req: SimRequest): string | undefined;
  /** forwards matching requests to a real registry instead of handle() */
  proxy?: {
    matches(rawPath: string): boolean;
    target: string;
    /** extra headers on a forwarded response (e.g. Docker Hub's rate-limit headers) */
    extraHeaders?(req: SimRequest, status: number): Record<string, string>;
  };
}

export interface RunningSim {
  url: string;
  host: string;
  port: number;
  exchanges: Exchange[];
  /** requests forwarded to the registry: method + path */
  forwarded: Array<{ method: string; path: string; status: number }>;
  fault(f: Fault): { hits(): number };
  clearFaults(): void;
  /** spec problems of every response sent so far (deliberate faults excepted) */
  violations(): string[];
  /** returns the violations so far and forgets them (for tests that provoke one on purpose) */
  takeViolations(): string[];
  /** how many responses were checked against the spec */
  checkedCount(): number;
  stop(): Promise<void>;
}

function matchesFault(f: Fault, req: SimRequest, tag: string | undefined): boolean {
  if (f.method && f.method.toUpperCase() !== req.method) return false;
  if (f.tag && f.tag !== tag) return false;
  if (f.path === undefined) return true;
  if (typeof f.path === "string") return req.rawPath === f.path;
  return f.path.test(req.rawPath + req.url.search);
}

export async function startHttpSim(options: SimOptions): Promise<RunningSim> {
  const exchanges: Exchange[] = [];
  const forwarded: RunningSim["forwarded"] = [];
  const problems: string[] = [];
  let checked = 0;
  let faults: Array<{ fault: Fault; hits: number }> = [];

  const record = (exchange: Exchange) => {
    exchanges.push(exchange);
    if (exchange.fault === "malformed") return;
    checked++;
    const found = options.check(exchange).filter((p) => !(exchange.fault && p.includes("is not documented for this operation")));
    problems.push(...found.map((p) => `[${options.name}] ${p}`));
  };

  const send = (res: http.ServerResponse, req: SimRequest, reply: SimReply, tag: string | undefined, fault?: Exchange["fault"]) => {
    let body: Buffer;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.json !== undefined) {
      body = Buffer.from(JSON.stringify(reply.json));
      headers["content-type"] ??= "application/json";
    } else body = Buffer.from(reply.text ?? "");
    if (reply.text !== undefined) headers["content-type"] ??= "text/plain; charset=utf-8";
    headers["content-length"] = String(body.length);
    res.writeHead(reply.status, headers);
    res.end(req.method === "HEAD" ? undefined : body);
    record({
      at: Date.now(),
      method: req.method,
      path: req.rawPath + req.url.search,
      status: reply.status,
      ...(headers["content-type"] ? { contentType: headers["content-type"] } : {}),
      body: req.method === "HEAD" ? Buffer.alloc(0) : body,
      ...(tag ? { tag } : {}),
      ...(fault ? { fault } : {}),
      requestHeaders: req.headers,
    });
  };

  const forward = (incoming: http.IncomingMessage, res: http.ServerResponse, req: SimRequest) => {
    const target = new URL(options.proxy!.target);
    const headers = { ...incoming.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.rawPath + req.url.search, headers },
      (up) => {
        const out = forwardedHeaders(up.headers);
        Object.assign(out, options.proxy!.extraHeaders?.(req, up.statusCode ?? 502) ?? {});
        forwarded.push({ method: req.method, path: req.rawPath, status: up.statusCode ?? 502 });
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`simulator ${options.name}: registry unreachable: ${err.message}`);
    });
    upstream.end(req.body);
  };

  const server = http.createServer((incoming, res) => {
    void (async () => {
      const body = await readBody(incoming);
      const rawPath = (incoming.url ?? "/").split("?")[0]!;
      const req: SimRequest = { method: incoming.method ?? "GET", url: new URL(incoming.url ?? "/", "http://sim.local"), rawPath, headers: incoming.headers, body };
      const tag = options.tagOf?.(req);

      const active = faults.find((f) => (f.fault.times === undefined || f.hits < f.fault.times) && matchesFault(f.fault, req, tag));
      if (active) {
        active.hits++;
        const f = active.fault;
        if (f.malformed) return send(res, req, { status: 200, headers: { "content-type": "application/json" }, text: '{"truncated": [' }, tag, "malformed");
        const status = f.status ?? 500;
        const reply = f.body !== undefined ? { status, json: f.body } : options.errorReply(status, `injected fault ${status}`, req);
        if (f.retryAfter !== undefined) reply.headers = { ...reply.headers, "retry-after": f.retryAfter };
        return send(res, req, reply, tag, "status");
      }
      if (options.proxy?.matches(rawPath)) return forward(incoming, res, req);
      let reply: SimReply;
      try {
        reply = await options.handle(req);
      } catch (err) {
        reply = options.errorReply(500, `simulator ${options.name} failed: ${(err as Error).message}`, req);
        problems.push(`[${options.name}] handler error on ${req.method} ${rawPath}: ${(err as Error).stack}`);
      }
      send(res, req, reply, tag);
    })();
  });
  const listener = await listenOnLoopback(server);

  return {
    url: listener.url,
    host: listener.host,
    port: listener.port,
    exchanges,
    forwarded,
    fault(f) {
      const entry = { fault: { times: 1, ...f }, hits: 0 };
      faults.push(entry);
      return { hits: () => entry.hits };
    },
    clearFaults() {
      faults = [];
    },
    violations: () => [...problems],
    takeViolations: () => problems.splice(0, problems.length),
    checkedCount: () => checked,
    stop: () => listener.close(),
  };
}

/** Basic credentials of a request, if any. */
export function basicCredentials(req: SimRequest): { username: string; password: string } | undefined {
  return parseBasicAuth(req.headers.authorization);
}
