import { randomBytes } from "node:crypto";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getPrisma, getRuntime } from "@/lib/runtime";
import { endSessionsOnSignOut } from "./account";
import { clientIpFrom } from "./request";
import { signInWithLdap } from "./ldap-signin";
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

export async function getAuthOptions(): Promise<AuthOptions> {
  return {
    secret: await authSecret(),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Dockmaster account",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: async (raw, req) => signInWithPassword(await getPrisma(), raw, ipOf(req?.headers ?? {}), (await getRuntime()).config.auth),
      }),
      // Directory sign-in (auth.ldap): its own form on the sign-in page; refused when not configured.
      CredentialsProvider({
        id: "ldap",
        name: "Directory account",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        authorize: async (raw, req) => signInWithLdap(await getPrisma(), (await getRuntime()).config.auth?.ldap, raw, ipOf(req?.headers ?? {})),
      }),
    ],
    callbacks: {
      // At sign-in `user` is what signInWithPassword or signInWithLdap returned; afterwards the claims stay as issued.
      jwt({ token, user }) {
        if (user) token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) Object.assign(session.user, { id: token.sub, sessionVersion: token.sessionVersion });
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        await endSessionsOnSignOut(await getPrisma(), { userId: token?.sub ?? null, email: token?.email ?? null, sessionVersion: token?.sessionVersion });
      },
    },
  };
}
