/**
 * Bearer token flow against the real registry: Distribution 2.8 configured with `auth.token`, trusting
 * a certificate our token server (test/harness/token-server.ts) signs JWTs with.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { buildImage } from "../harness/image-builder";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";
import { registryClientSuite } from "./client-suite";

const users = [{ username: "deployer", password: "tok3n-pass" }];
const auth = { kind: "basic" as const, username: "deployer", password: "tok3n-pass" };

registryClientSuite("OCI client against Distribution 2.8 with token auth", async () => {
  const tokens = await startTokenServer({ users });
  const registry = await startRegistry({ auth: "token", token: tokens.config });
  const provider = createOciProvider({ name: "token", url: registry.url, auth, tokenRealms: [tokens.realm] });
  return {
    provider,
    expectedAuthScheme: "bearer",
    close: async () => {
      await provider.close();
      await registry.stop();
      await tokens.stop();
    },
  };
});

describe("token flow details", () => {
  let tokens: RunningTokenServer;
  let registry: RunningRegistry;
  let digest: string;

  beforeAll(async () => {
    tokens = await startTokenServer({ users, anonymousPull: false });
    registry = await startRegistry({ auth: "token", token: tokens.config });
    const seeder = createOciProvider({ name: "seed", url: registry.url, auth, tokenRealms: [tokens.realm] });
    digest = await pushImage(seeder, "team/app", buildImage({ layerCount: 1 }), "v1");
    await seeder.close();
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it("caches one token per scope", async () => {
    const p = createOciProvider({ name: "t", url: registry.url, auth, tokenRealms: [tokens.realm] });
    try {
      const before = tokens.requests.length;
      await p.getManifest("team/app", "v1");
      await p.headManifest("team/app", "v1");
      await p.listTags("team/app");
      const fetched = tokens.requests.slice(before);
      expect(fetched.map((r) => ({ scopes: r.scopes, user: r.user, status: r.status }))).toEqual([
        { scopes: ["repository:team/app:pull"], user: "deployer", status: 200 },
      ]);
    } finally {
      await p.close();
    }
  });

  it("refreshes once when the registry rejects a cached token, then succeeds", async () => {
    const p = createOciProvider({ name: "t", url: registry.url, auth, tokenRealms: [tokens.realm] });
    try {
      // The next token's exp claim is 57 s in the past: inside Distribution's 60 s leeway for the first
      // 2–3 s, outside it afterwards, while expires_in still tells the client to keep it for 300 s.
      tokens.issueBackdatedTokens(1, 57);
      await p.getManifest("team/app", "v1");
      const before = tokens.requests.length;
      await new Promise((r) => setTimeout(r, 3600));
      const m = await p.getManifest("team/app", "v1");
      expect(m.digest).toBe(digest);
      const refreshed = tokens.requests.slice(before);
      expect(refreshed).toHaveLength(1);
      expect(refreshed[0]?.scopes).toEqual(["repository:team/app:pull"]);
    } finally {
      await p.close();
    }
  });

  it("a wrong password is rejected by the token service as 'unauthorized', without repeating its answer", async () => {
    const p = createOciProvider({ name: "t", url: registry.url, auth: { ...auth, password: "nope" }, tokenRealms: [tokens.realm] });
    try {
      await expect(p.getManifest("team/app", "v1")).rejects.toMatchObject({
        kind: "unauthorized",
        status: 401,
        message: expect.stringMatching(/^token service 127\.0\.0\.1:\d+ \(for registry 127\.0\.0\.1:\d+\) rejected user "deployer" for scope repository:team\/app:pull \(401 Unauthorized\)$/),
      });
    } finally {
      await p.close();
    }
  });

  it("anonymous access without pull rights is refused with the scope named", async () => {
    const p = createOciProvider({ name: "t", url: registry.url, auth: { kind: "anonymous" } });
    try {
      await expect(p.getManifest("team/app", "v1")).rejects.toMatchObject({
        kind: "unauthorized",
        message: expect.stringContaining("refused access to repository:team/app:pull"),
      });
    } finally {
      await p.close();
    }
  });
});
