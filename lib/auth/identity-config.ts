/**
 * Sign-in in dockmaster.yaml (issue 15): where people sign in besides local passwords (part of the
 * `auth:` section, lib/auth/config-schema.ts), and which roles their directory groups grant (`access:`).
 *
 *   auth:
 *     local: true                 # false: only the break-glass account signs in with a password
 *     breakGlass: admin@example.com
 *     ldap:
 *       name: Corp directory      # the sign-in form reads "Sign in with Corp directory"
 *       url: ldaps://ldap.example.com:636
 *       caFile: /etc/ssl/corp-ca.pem
 *       bindDN: cn=dockmaster,ou=services,dc=example,dc=com   # search-then-bind; without: userDN
 *       bindPassword: ${LDAP_BIND_PASSWORD}
 *       userBase: ou=people,dc=example,dc=com
 *       userFilter: "(uid={username})"
 *       groupBase: ou=groups,dc=example,dc=com
 *       groupFilter: "(member={dn})"
 *       groupRefreshMinutes: 15   # optional: re-read groups between sign-ins
 *   access:
 *     - { group: platform-admins, role: admin }
 *     - { group: team-a-release, role: approver, environment: prod }
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ENV_REF } from "@/lib/config/names";
import { oidcConfig } from "./oidc-config";
import { roles } from "./policy";

export const accessRule = z.strictObject({
  group: z.string().trim().min(1).max(256),
  role: z.enum(roles),
  /** omitted: the role holds in every environment */
  environment: z.string().min(1).optional(),
});

const ldapUrl = z.string().refine((u) => URL.canParse(u) && /^ldaps?:$/.test(new URL(u).protocol), "must be an ldap:// or ldaps:// URL");

const ldapConfig = z
  .strictObject({
    name: z.string().trim().min(1).max(60).default("directory"),
    url: ldapUrl,
    /** upgrade an ldap:// connection with StartTLS before anything is sent */
    startTLS: z.boolean().default(false),
    /** PEM file of the CA that signed the directory's certificate; else the system's CAs */
    caFile: z.string().min(1).optional(),
    /** search-then-bind: the service account that finds the user's entry and reads groups */
    bindDN: z.string().min(1).optional(),
    bindPassword: z.string().regex(ENV_REF, "must be an environment variable reference like ${LDAP_BIND_PASSWORD}, not a plaintext secret").optional(),
    /** bind as the user directly: the entry's DN with {username}, e.g. uid={username},ou=people,dc=example,dc=com */
    userDN: z.string().includes("{username}", { message: "must contain {username}" }).optional(),
    userBase: z.string().min(1).optional(),
    userFilter: z.string().includes("{username}", { message: "must contain {username}" }).default("(uid={username})"),
    emailAttribute: z.string().min(1).default("mail"),
    nameAttribute: z.string().min(1).default("cn"),
    groupBase: z.string().min(1).optional(),
    /** {dn}: the user's entry; {username}: what was typed */
    groupFilter: z.string().default("(member={dn})"),
    groupNameAttribute: z.string().min(1).default("cn"),
    timeoutMs: z.number().int().min(500).max(60_000).default(5000),
    /** re-read every LDAP account's groups this often with the service account (sessions outlive sign-in) */
    groupRefreshMinutes: z.number().int().min(1).max(1440).optional(),
  })
  .superRefine((l, ctx) => {
    if (!l.userDN && !l.userBase) ctx.addIssue({ code: "custom", path: ["userBase"], message: "is required unless userDN binds as the user directly" });
    if (l.bindDN && !l.bindPassword) ctx.addIssue({ code: "custom", path: ["bindPassword"], message: "is required with bindDN" });
    if (!l.bindDN && l.userBase && !l.userDN) ctx.addIssue({ code: "custom", path: ["bindDN"], message: "is required to search userBase (or give userDN to bind as the user)" });
    if (l.groupRefreshMinutes && !l.bindDN) ctx.addIssue({ code: "custom", path: ["groupRefreshMinutes"], message: "needs bindDN: the refresh reads groups with the service account" });
    if (l.startTLS && URL.canParse(l.url) && new URL(l.url).protocol === "ldaps:") ctx.addIssue({ code: "custom", path: ["startTLS"], message: "applies to ldap:// URLs only (ldaps:// is TLS from the start)" });
  })
  .transform((l, ctx) => {
    if (!l.caFile) return { ...l, caPem: undefined };
    try {
      return { ...l, caPem: readFileSync(l.caFile, "utf8") };
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["caFile"], message: `cannot be read: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

/** auth.local, auth.breakGlass and auth.ldap (lib/auth/config-schema.ts holds the whole section) */
export const signInFields = {
  local: z.boolean().default(true),
  /** the one account that may still sign in with a password when local is false */
  breakGlass: z.email().optional(),
  ldap: ldapConfig.optional(),
  /** OpenID Connect sign-in: ./oidc-config.ts */
  oidc: oidcConfig.optional(),
};

export function checkSignIn(a: { local: boolean; breakGlass?: string; ldap?: unknown; oidc?: unknown }, ctx: z.RefinementCtx): void {
  if (!a.local && !a.breakGlass) ctx.addIssue({ code: "custom", path: ["breakGlass"], message: "is required when local is false: without it nobody could sign in when the directory is down" });
  if (!a.local && !a.ldap && !a.oidc) ctx.addIssue({ code: "custom", path: ["local"], message: "false leaves no way to sign in but the break-glass account: configure ldap or oidc" });
}

export type AccessRule = z.output<typeof accessRule>;

export type LdapConfig = z.output<typeof ldapConfig>;
