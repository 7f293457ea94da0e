import { randomBytes } from "node:crypto";
import type { AuthOptions, Session } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getPrisma, getRuntime } from "@/lib/runtime";
import { endSessionsOnSignOut } from "./account";
import { signInWithLdap } from "./ldap-signin";
import { markGroupsFresh, OIDC_PROVIDER_ID, oidcProvider, recheckOidcSession } from "./oidc";
import { OidcSignInRefused, signInWithOidcClaims, type Claims } from "./oidc-account";
import { recordOidcError } from "./oidc-errors";
import { clientIpFrom, requestIp } from "./request";
import { signInWithPassword } from "./signin";

/**
 * The JWT signing secret: NEXTAUTH_SECRET when given, else one generated on first start and kept in
 * the database, so a fresh machine needs no setup and every replica on one Postgres agrees.
 */
let storedSecret: Promise<string> | undefined;

async function authSecret(): Promise<string> {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  // Read once per process: every request (layout, page, action) needs it, and it never changes.
  storedSecret ??= readOrCreateSecret().catch((err) => {
    storedSecret = undefined;
    throw err;
  });
  return storedSecret;
}

async function readOrCreateSecret(): Promise<string> {
  const prisma = await getPrisma();
  const existing = await prisma.setting.findUnique({ where: { key: "auth.secret" } });
  if (existing) return existing.value as string;
  await prisma.setting.createMany({ data: [{ key: "auth.secret", value: randomBytes(32).toString("base64") }], skipDuplicates: true });
  return (await prisma.setting.findUniqueOrThrow({ where: { key: "auth.secret" } })).value as string;
}

function ipOf(headers: Record<string, string | string[] | undefined>): string | null {
  return clientIpFrom({ get: (n) => { const v = headers[n]; return Array.isArray(v) ? v.join(",") : (v ?? null); } });
}

/** The sign-in page with a message (a signIn callback may redirect anywhere; this stays on our origin). */
function signInPageWith(message: string): string {
  return `${(process.env.NEXTAUTH_URL ?? "").replace(/\/+$/, "")}/signin?error=${encodeURIComponent(message)}`;
}

async function ipOfCurrentRequest(): Promise<string | null> {
  return requestIp().catch(() => null);
}

export async function getAuthOptions(): Promise<AuthOptions> {
  const auth = (await getRuntime()).config.auth;
  const oidc = auth?.oidc;
  return {
    secret: await authSecret(),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Dockmaster account",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: async (raw, req) => signInWithPassword(await getPrisma(), raw, ipOf(req?.headers ?? {}), auth),
      }),
      // Directory sign-in (auth.ldap): its own form on the sign-in page; refused when not configured.
      CredentialsProvider({
        id: "ldap",
        name: "Directory account",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        authorize: async (raw, req) => signInWithLdap(await getPrisma(), (await getRuntime()).config.auth?.ldap, raw, ipOf(req?.headers ?? {})),
      }),
      ...(oidc ? [oidcProvider(oidc)] : []),
    ],
    callbacks: {
      // OIDC: the provider vouched for the person; the account is created or refreshed here, and
      // `user` is rewritten to the Dockmaster account (its id becomes the JWT's sub).
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID || !oidc) return true;
        try {
          const signedIn = await signInWithOidcClaims(await getPrisma(), (profile ?? {}) as Claims, oidc.groupsClaim, await ipOfCurrentRequest());
          Object.assign(user, signedIn);
          return true;
        } catch (err) {
          if (err instanceof OidcSignInRefused) return signInPageWith(err.message);
          throw err;
        }
      },
      // At sign-in `user` is what signInWithPassword, signInWithLdap or signIn above made; afterwards the claims stay as issued.
      jwt({ token, user, account }) {
        if (user) token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
        if (user && account?.provider === OIDC_PROVIDER_ID && account.access_token) {
          token.oidcAccessToken = account.access_token;
          markGroupsFresh(account.access_token);
        }
        return token;
      },
      async session({ session, token }) {
        // An OIDC session lives only while the provider still answers for it (lib/auth/oidc.ts).
        if (oidc && typeof token.oidcAccessToken === "string" && token.sub) {
          if (!(await recheckOidcSession(await getPrisma(), oidc, token.sub, token.oidcAccessToken))) return { expires: session.expires } as Session;
        }
        if (session.user && token.sub) Object.assign(session.user, { id: token.sub, sessionVersion: token.sessionVersion });
        return session;
      },
    },
    logger: {
      error(code, metadata) {
        // Misconfiguration (issuer unreachable, certificate not trusted, secret refused) must be
        // readable in the log and on the sign-in page, not a bare code (lib/auth/oidc-errors.ts).
        if (/OAUTH|SIGNIN|CALLBACK/i.test(code)) recordOidcError(code, metadata);
        else console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
    events: {
      async signOut({ token }) {
        await endSessionsOnSignOut(await getPrisma(), { userId: token?.sub ?? null, email: token?.email ?? null, sessionVersion: token?.sessionVersion });
      },
    },
  };
}
