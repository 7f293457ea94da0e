/**
 * A small token service per the distribution token spec (specs/distribution/v2.8.2-spec-auth-token.md),
 * good enough for a real Distribution 2.8 registry configured with `auth.token`:
 *  - an RSA key and a self-signed certificate made by `openssl` (node:crypto cannot issue x509);
 *    the registry trusts that certificate through `rootcertbundle`;
 *  - tokens are RS256 JWTs whose header carries the certificate in `x5c`, which is how Distribution
 *    finds the signing key and chains it to the bundle;
 *  - claims: iss, sub, aud (the service), exp/nbf/iat, jti and `access` (granted actions per resource).
 * Users authenticate with Basic credentials; anonymous requests get pull access only if allowed.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseBasicAuth } from "./http-util";
import { listenOnLoopback } from "./loopback-server";
import { makeTempDir, removeDir } from "./temp-dir";
import type { RegistryUser, TokenAuthConfig } from "./registry";

export interface TokenServerOptions {
  users: RegistryUser[];
  service?: string;
  issuer?: string;
  /** advertised `expires_in`; default 300 */
  expiresInSeconds?: number;
  /** anonymous callers may pull */
  anonymousPull?: boolean;
}

export interface TokenRequestLog {
  at: number;
  user?: string;
  scopes: string[];
  /** status we answered */
  status: number;
  /** the request carried an Authorization header (credentials reached us, valid or not) */
  authorization: boolean;
}

export interface RunningTokenServer {
  /** pass to startRegistry({ auth: "token", token }) */
  config: TokenAuthConfig;
  realm: string;
  requests: TokenRequestLog[];
  /**
   * The next `count` tokens get an `exp` claim `secondsAgo` in the past while still advertising the
   * normal expires_in: the client caches them, the registry (60 s leeway) accepts them at first and
   * rejects them later — the situation a client's refresh-on-401 exists for.
   */
  issueBackdatedTokens(count: number, secondsAgo: number): void;
  stop(): Promise<void>;
}

interface ScopeRequest {
  type: string;
  name: string;
  actions: string[];
}

function parseScope(scope: string): ScopeRequest | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(",").filter(Boolean) };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function makeKeyPair(dir: string): { keyPem: string; certPem: string; certPath: string } {
  const keyPath = path.join(dir, "token.key");
  const certPath = path.join(dir, "token.crt");
  const result = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=dockmaster-test-token-issuer"],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`openssl could not create the token signing certificate: ${result.stderr || result.error?.message}`);
  return { keyPem: fs.readFileSync(keyPath, "utf8"), certPem: fs.readFileSync(certPath, "utf8"), certPath };
}

export async function startTokenServer(options: TokenServerOptions): Promise<RunningTokenServer> {
  const dir = makeTempDir("token");
  const { keyPem, certPem, certPath } = makeKeyPair(dir);
  const certDer = new crypto.X509Certificate(certPem).raw.toString("base64");
  const privateKey = crypto.createPrivateKey(keyPem);
  const service = options.service ?? "dockmaster-test-registry";
  const issuer = options.issuer ?? "dockmaster-test-issuer";
  const expiresIn = options.expiresInSeconds ?? 300;
  const requests: TokenRequestLog[] = [];
  let backdated = { count: 0, secondsAgo: 0 };

  const sign = (claims: Record<string, unknown>) => {
    const headerPart = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [certDer] }));
    const claimsPart = b64url(JSON.stringify(claims));
    const signature = crypto.sign("sha256", Buffer.from(`${headerPart}.${claimsPart}`), privateKey);
    return `${headerPart}.${claimsPart}.${b64url(signature)}`;
  };

  const authenticate = (authorization: string | undefined): { ok: boolean; user?: string } => {
    if (!authorization) return { ok: true };
    const credentials = parseBasicAuth(authorization);
    if (!credentials) return { ok: false };
    const { username, password } = credentials;
    const known = options.users.some((u) => u.username === username && u.password === password);
    return known ? { ok: true, user: username } : { ok: false };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token.local");
    const scopes = url.searchParams.getAll("scope");
    const reply = (status: number, body: unknown, user?: string) => {
      requests.push({ at: Date.now(), scopes, status, authorization: req.headers.authorization !== undefined, ...(user ? { user } : {}) });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== "/token") return reply(404, { errors: [{ code: "NOT_FOUND", message: "no such endpoint" }] });
    if (url.searchParams.get("service") !== service) {
      return reply(400, { errors: [{ code: "INVALID_SERVICE", message: `unknown service ${url.searchParams.get("service")}` }] });
    }
    const who = authenticate(req.headers.authorization);
    if (!who.ok) return reply(401, { errors: [{ code: "UNAUTHORIZED", message: "invalid username or password" }] });

    const access = scopes
      .map(parseScope)
      .filter((s): s is ScopeRequest => !!s)
      .map((s) => ({
        type: s.type,
        name: s.name,
        actions: who.user ? s.actions : options.anonymousPull ? s.actions.filter((a) => a === "pull") : [],
      }))
      .filter((a) => a.actions.length > 0);

    const now = Math.floor(Date.now() / 1000);
    let exp = now + expiresIn;
    if (backdated.count > 0) {
      backdated = { ...backdated, count: backdated.count - 1 };
      exp = now - backdated.secondsAgo;
    }
    const token = sign({
      iss: issuer,
      sub: who.user ?? "",
      aud: service,
      exp,
      nbf: Math.min(now, exp) - 5,
      iat: Math.min(now, exp) - 5,
      jti: crypto.randomUUID(),
      access,
    });
    reply(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }, who.user);
  });

  const listener = await listenOnLoopback(server);
  const realm = `${listener.url}/token`;

  return {
    config: { realm, service, issuer, rootCertBundle: certPath },
    realm,
    requests,
    issueBackdatedTokens(count, secondsAgo) {
      backdated = { count, secondsAgo };
    },
    stop: async () => {
      await listener.close();
      removeDir(dir);
    },
  };
}
