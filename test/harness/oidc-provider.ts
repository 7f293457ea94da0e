/**
 * A real OpenID Provider (`oidc-provider`, the certified node implementation) on loopback for tests:
 * one confidential client, PKCE required, accounts from an in-memory map the test can edit (remove
 * someone from a group, delete them), and oidc-provider's built-in login pages (devInteractions:
 * any password is accepted for a known login). The ID token carries only `sub` (the library's
 * default for the code flow), so email and groups come from userinfo, as with many real providers.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { listenOnLoopback } from "./loopback-server";
import type { LoopbackCertificate } from "./tls-cert";

interface OidcAccount {
  email: string;
  name?: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TestOidcProvider {
  issuer: string;
  /** login name → account; edit it while the test runs (the provider reads it on every request) */
  accounts: Map<string, OidcAccount>;
  /**
   * (Re)registers the clients: a fresh provider instance takes over (sessions, codes and signing
   * keys start over). Until the first call every request gets 503; the issuer URL is known before,
   * so an app configured with it can be started first and its callback URL registered after.
   */
  setClients(clients: OidcClient[]): void;
  stop(): Promise<void>;
}

export async function startOidcProvider(options: { clients?: OidcClient[]; accounts?: Record<string, OidcAccount>; tls?: LoopbackCertificate }): Promise<TestOidcProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const serve = (req: IncomingMessage, res: ServerResponse) => handler(req, res);
  const server = options.tls ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, serve) : createHttpServer(serve);
  const listener = await listenOnLoopback(server);
  const issuer = `${options.tls ? "https" : "http"}://${listener.host}`;
  const accounts = new Map(Object.entries(options.accounts ?? {}));

  const configuration = (clients: OidcClient[]): Configuration => ({
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    pkce: { methods: ["S256"], required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["dockmaster-test-oidc-cookie-key"] },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      if (!accounts.has(id)) return undefined;
      return {
        accountId: id,
        // Read at call time: a test that edits the map changes what the next userinfo call says.
        async claims() {
          const a = accounts.get(id);
          if (!a) return { sub: id };
          return { sub: id, email: a.email, email_verified: a.emailVerified ?? true, name: a.name ?? id, groups: a.groups };
        },
      };
    },
    // A first-party client: no consent page (the scopes asked for are granted on sign-in).
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return provider.Grant.find(existing);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid email profile groups");
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
  });
  const setClients = (clients: OidcClient[]) => {
    const provider = new Provider(issuer, configuration(clients));
    provider.on("server_error", (_ctx: unknown, err: Error) => process.env.E2E_VERBOSE && console.error("[oidc-provider]", err));
    handler = provider.callback();
  };
  if (options.clients) setClients(options.clients);
  return { issuer, accounts, setClients, stop: () => listener.close() };
}
