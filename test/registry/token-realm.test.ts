/**
 * Where the registry's credentials may go in the Bearer flow (lib/registry/transport/realm-policy.ts),
 * against the real registry with token auth: its challenge names the token service, so the registry
 * (or whoever controls its answers) chooses where Dockmaster sends the Basic credentials. They go only
 * to the registry's own host or a realm listed in `tokenRealms`, over https unless the registry is
 * plain http on loopback, and never to link-local or metadata addresses. No foreign body is echoed.
 */
import http from "node:http";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryError } from "../../lib/registry/errors";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { listenOnLoopback } from "../harness/loopback-server";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { buildImage } from "../harness/image-builder";
import { loopbackCertificate } from "../harness/tls-cert";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";

const users = [{ username: "deployer", password: "tok3n-pass" }];
const auth = { kind: "basic" as const, username: "deployer", password: "tok3n-pass" };

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return err as RegistryError;
  }
  throw new Error("expected a RegistryError");
}

describe("a token realm on another loopback port", () => {
  let tokens: RunningTokenServer;
  let registry: RunningRegistry;

  beforeAll(async () => {
    tokens = await startTokenServer({ users, anonymousPull: false });
    registry = await startRegistry({ auth: "token", token: tokens.config });
    const seeder = createOciProvider({ name: "seed", url: registry.url, auth, tokenRealms: [tokens.realm] });
    await pushImage(seeder, "team/app", buildImage({ layerCount: 1 }), "v1");
    await seeder.close();
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it("gets no credentials when the registry's tokenRealms does not list it, and the error says how to allow it", async () => {
    const p = createOciProvider({ name: "corp", url: registry.url, auth });
    const before = tokens.requests.length;
    try {
      const e = await failure(p.listTags("team/app"));
      expect(e.kind).toBe("unauthorized");
      const realm = new URL(tokens.realm);
      expect(e.message).toContain(`asked for a token from ${realm.host}`);
      expect(e.message).toContain(`add "${realm.origin}" to tokenRealms of registry "corp" in dockmaster.yaml`);
      expect(tokens.requests.slice(before).filter((r) => r.authorization)).toEqual([]);
      expect(tokens.requests.slice(before)).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("receives the credentials once listed", async () => {
    const p = createOciProvider({ name: "corp", url: registry.url, auth, tokenRealms: [new URL(tokens.realm).origin] });
    const before = tokens.requests.length;
    try {
      expect((await p.listTags("team/app")).items).toEqual(["v1"]);
      expect(tokens.requests.slice(before).map((r) => ({ user: r.user, status: r.status }))).toEqual([{ user: "deployer", status: 200 }]);
    } finally {
      await p.close();
    }
  });

  it("never echoes the token service's answer in an error", async () => {
    const wrong = createOciProvider({ name: "corp", url: registry.url, auth: { ...auth, password: "wrong" }, tokenRealms: [tokens.realm] });
    try {
      const e = await failure(wrong.listTags("team/app"));
      expect(e.kind).toBe("unauthorized");
      expect(e.message).toMatch(/token service 127\.0\.0\.1:\d+ .*rejected user "deployer"/);
      // the token server's body says "invalid username or password": that text is the realm's, not ours to repeat
      expect(e.message).not.toContain("invalid username or password");
      expect(e.errors).toEqual([]);
    } finally {
      await wrong.close();
    }
  });
});

describe("a token realm at a link-local (cloud metadata) address", () => {
  let tokens: RunningTokenServer;
  let registry: RunningRegistry;

  beforeAll(async () => {
    tokens = await startTokenServer({ users });
    registry = await startRegistry({ auth: "token", token: { ...tokens.config, realm: "http://169.254.169.254/latest/meta-data/iam/security-credentials/" } });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it("is refused at once, credentials or not, naming the address", async () => {
    for (const a of [auth, { kind: "anonymous" as const }]) {
      const p = createOciProvider({ name: "corp", url: registry.url, auth: a, timeoutMs: 20_000 });
      const started = Date.now();
      try {
        const e = await failure(p.listTags("team/app"));
        expect(e.message).toContain("169.254.169.254 is a link-local or cloud metadata address");
        expect(e.message).toContain("tokenRealms");
        // refused before any connection attempt, not after a connect timeout
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await p.close();
      }
    }
  });
});

describe("an http token realm for an https registry", () => {
  let tokens: RunningTokenServer;
  let server: https.Server;
  let close: () => Promise<void>;
  let url: string;
  const cert = loopbackCertificate();

  beforeAll(async () => {
    tokens = await startTokenServer({ users });
    // an https registry front that challenges with a plain-http realm on loopback
    server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      res.writeHead(401, { "www-authenticate": `Bearer realm="${tokens.realm}",service="${tokens.config.service}"`, "content-type": "application/json" });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    });
    const listener = await listenOnLoopback(server as unknown as http.Server);
    url = `https://${listener.host}`;
    close = listener.close;
  });
  afterAll(async () => {
    await close?.();
    await tokens?.stop();
  });

  it("is refused and gets no credentials", async () => {
    const p = createOciProvider({ name: "tls", url, auth, tls: { caPem: cert.certPem } });
    const before = tokens.requests.length;
    try {
      const e = await failure(p.listTags("team/app"));
      expect(e.kind).toBe("unauthorized");
      expect(e.message).toContain(`the realm ${new URL(tokens.realm).origin} is plain http`);
      expect(tokens.requests.slice(before)).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
