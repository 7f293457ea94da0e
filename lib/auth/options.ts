import { randomBytes } from "node:crypto";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/log";
import { getPrisma } from "@/lib/runtime";
import { verifyPassword } from "./password";
import { clientIpFrom } from "./request";
import { lockedUntil, recordFailure, recordSuccess } from "./throttle";
import { normalizeEmail } from "./users";

const credentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });

const SIGNIN_FAILED = "Wrong email or password.";

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

async function authorize(raw: unknown, headers: Record<string, string | string[] | undefined>) {
  const prisma = await getPrisma();
  const ip = clientIpFrom({ get: (n) => { const v = headers[n]; return Array.isArray(v) ? v.join(",") : (v ?? null); } });
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) throw new Error(SIGNIN_FAILED);
  const email = normalizeEmail(parsed.data.email);

  const until = await lockedUntil(prisma, email, ip);
  if (until) {
    await writeAudit(prisma, { actor: { email }, action: "auth.signin", outcome: "denied", sourceIp: ip, detail: { reason: "throttled", until } });
    const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    throw new Error(`Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  }

  const user = await prisma.user.findUnique({ where: { email } });
  const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
  if (!ok || !user || user.disabled) {
    await recordFailure(prisma, email, ip);
    await writeAudit(prisma, {
      actor: { id: user?.id ?? null, email },
      action: "auth.signin",
      outcome: "failure",
      sourceIp: ip,
      detail: { reason: !user ? "unknown account" : user.disabled && ok ? "account disabled" : "wrong password" },
    });
    throw new Error(SIGNIN_FAILED);
  }
  await recordSuccess(prisma, email);
  await writeAudit(prisma, { actor: { id: user.id, email }, action: "auth.signin", outcome: "success", sourceIp: ip });
  return { id: user.id, email: user.email, name: user.name ?? user.email };
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
        authorize: (raw, req) => authorize(raw, (req?.headers ?? {}) as Record<string, string>),
      }),
    ],
    callbacks: {
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        const prisma = await getPrisma();
        await writeAudit(prisma, { actor: { id: token?.sub ?? null, email: token?.email ?? null }, action: "auth.signout", outcome: "success" });
      },
    },
  };
}
