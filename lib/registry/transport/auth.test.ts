/**
 * The auth step against a scripted registry + token service (node:http), where each test can revoke
 * tokens or change the challenge at will. The same flow runs against a real Distribution registry
 * with token auth in test/registry/token-auth.test.ts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RegistryAuth } from "../provider";
import { listTags } from "../oci/catalog";
import { createOciClient, type OciClient } from "../oci/client";

interface StubState {
  scheme: "bearer" | "basic";
  tokenCounter: number;
  revoked: Set<string>;
  rejectAll: boolean;
  /** scope the registry demands in its challenge, beyond what the client asks */
  demandScope?: string;
  tokenRequests: Array<{ scopes: string[]; authorization?: string }>;
  resourceRequests: Array<{ path: string; authorization?: string }>;
  pings: number;
}

let server: http.Server;
let base = "";
let state: StubState;

function reset(): void {
  state = { scheme: "bearer", tokenCounter: 0, revoked: new Set(), rejectAll: false, tokenRequests: [], resourceRequests: [], pings: 0 };
}

function challenge(scope?: string, error?: string): string {
  if (state.scheme === "basic") return 'Basic realm="stub"';
  return `Bearer realm="${base}/token",service="stub"${scope ? `,scope="${scope}"` : ""}${error ? `,error="${error}"` : ""}`;
}

function authorized(authorization: string | undefined, path: string): boolean {
  if (state.rejectAll || !authorization) return false;
  if (state.scheme === "basic") return authorization === `Basic ${Buffer.from("alice:secret").toString("base64")}`;
  const token = authorization.replace(/^Bearer /, "");
  if (!token.startsWith("tok-") || state.revoked.has(token)) return false;
  if (state.demandScope && path !== "/v2/") {
    const granted = state.tokenRequests[Number(token.slice(4)) - 1]?.scopes ?? [];
    return granted.includes(state.demandScope);
  }
  return true;
}

beforeAll(async () => {
  reset();
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    const authorization = req.headers.authorization;
    if (url.pathname === "/token") {
      const scopes = url.searchParams.getAll("scope");
      state.tokenRequests.push({ scopes, ...(authorization ? { authorization } : {}) });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ token: `tok-${++state.tokenCounter}`, expires_in: 300 }));
      return;
    }
    if (url.pathname === "/v2/" && !authorization) state.pings++;
    else state.resourceRequests.push({ path: url.pathname, ...(authorization ? { authorization } : {}) });
    if (!authorized(authorization, url.pathname)) {
      const scope = url.pathname === "/v2/" ? undefined : `repository:app:pull${state.demandScope ? ` ${state.demandScope}` : ""}`;
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": challenge(scope, state.demandScope ? "insufficient_scope" : undefined) });
      res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(url.pathname === "/v2/" ? "{}" : JSON.stringify({ name: "app", tags: ["v1"] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const clients: OciClient[] = [];
function client(auth: RegistryAuth = { kind: "basic", username: "alice", password: "secret" }): OciClient {
  const c = createOciClient({ name: "stub", url: base, auth, timeoutMs: 5000 }, { retry: { maxAttempts: 1 } });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  reset();
});

describe("bearer flow", () => {
  it("pings once, fetches one token per scope with the user's credentials, and caches it", async () => {
    const c = client();
    expect((await listTags(c, "app")).items).toEqual(["v1"]);
    expect((await listTags(c, "app")).items).toEqual(["v1"]);
    expect(state.pings).toBe(1);
    expect(state.tokenRequests).toEqual([
      { scopes: ["repository:app:pull"], authorization: `Basic ${Buffer.from("alice:secret").toString("base64")}` },
    ]);
    expect(state.resourceRequests.map((r) => r.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1"]);
  });

  it("refreshes a cached token exactly once when the registry stops accepting it", async () => {
    const c = client();
    await listTags(c, "app");
    state.revoked.add("tok-1");
    expect((await listTags(c, "app")).items).toEqual(["v1"]);
    expect(state.tokenRequests).toHaveLength(2);
    expect(state.resourceRequests.map((r) => r.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  it("gives up after that single refresh instead of looping", async () => {
    const c = client();
    await listTags(c, "app");
    state.rejectAll = true;
    await expect(listTags(c, "app")).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    expect(state.tokenRequests).toHaveLength(2);
    expect(state.resourceRequests).toHaveLength(3);
  });

  it("does not refresh a token that was issued for this very request", async () => {
    state.rejectAll = true;
    const c = client();
    await expect(listTags(c, "app")).rejects.toMatchObject({ kind: "unauthorized" });
    expect(state.tokenRequests).toHaveLength(1);
    expect(state.resourceRequests).toHaveLength(1);
  });

  it("widens the scope once when the challenge asks for more", async () => {
    state.demandScope = "repository:other:pull";
    const c = client();
    expect((await listTags(c, "app")).items).toEqual(["v1"]);
    expect(state.tokenRequests.map((t) => t.scopes)).toEqual([["repository:app:pull"], ["repository:app:pull", "repository:other:pull"]]);
  });

  it("fetches anonymous tokens without credentials", async () => {
    const c = client({ kind: "anonymous" });
    await listTags(c, "app");
    expect(state.tokenRequests).toEqual([{ scopes: ["repository:app:pull"] }]);
  });

  it("sends a static bearer token verbatim without any exchange", async () => {
    const c = client({ kind: "bearer-token", token: "tok-77" });
    state.tokenCounter = 100;
    await listTags(c, "app");
    expect(state.pings).toBe(0);
    expect(state.tokenRequests).toHaveLength(0);
    expect(state.resourceRequests.map((r) => r.authorization)).toEqual(["Bearer tok-77"]);
  });
});

describe("basic flow", () => {
  it("sends Basic credentials after discovering the scheme", async () => {
    state.scheme = "basic";
    const c = client();
    expect((await listTags(c, "app")).items).toEqual(["v1"]);
    expect(state.tokenRequests).toHaveLength(0);
    expect(state.resourceRequests[0]?.authorization).toMatch(/^Basic /);
  });

  it("does not retry rejected Basic credentials", async () => {
    state.scheme = "basic";
    const c = client({ kind: "basic", username: "alice", password: "wrong" });
    await expect(listTags(c, "app")).rejects.toMatchObject({
      kind: "unauthorized",
      message: expect.stringContaining("rejected the credentials (401 UNAUTHORIZED: authentication required) for GET /v2/app/tags/list"),
    });
    expect(state.resourceRequests).toHaveLength(1);
  });
});
