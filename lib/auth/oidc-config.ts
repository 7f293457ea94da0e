/**
 * `auth.oidc` in dockmaster.yaml (issue 15): sign-in through an OpenID Provider. The provider's id in
 * next-auth is `oidc`, so the redirect URI to register is <NEXTAUTH_URL>/api/auth/callback/oidc.
 *
 *   auth:
 *     oidc:
 *       name: Corp SSO                      # the button reads "Sign in with Corp SSO"
 *       issuer: https://idp.example.com     # discovery: <issuer>/.well-known/openid-configuration
 *       clientId: dockmaster
 *       clientSecret: ${OIDC_CLIENT_SECRET}
 *       scopes: [openid, email, profile, groups]
 *       groupsClaim: groups                 # read from the ID token or userinfo, whichever has it
 *       refreshMinutes: 5                   # groups are re-read from userinfo this often
 *       caFile: /etc/ssl/corp-ca.pem        # optional: the CA of the provider's TLS certificate
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ENV_REF } from "@/lib/config/names";

const issuerUrl = z
  .string()
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "must be an http(s) URL, e.g. https://idp.example.com")
  .transform((u) => u.replace(/\/+$/, ""));

export const oidcConfig = z
  .strictObject({
    name: z.string().trim().min(1).max(60).default("single sign-on"),
    issuer: issuerUrl,
    clientId: z.string().trim().min(1).max(256),
    clientSecret: z.string().regex(ENV_REF, "must be an environment variable reference like ${OIDC_CLIENT_SECRET}, not a plaintext secret"),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "must be a scope token without spaces or quotes"))
      .min(1)
      .default(["openid", "email", "profile"])
      .refine((s) => s.includes("openid"), "must include openid"),
    groupsClaim: z.string().trim().min(1).default("groups"),
    refreshMinutes: z.number().min(0.05, { error: "must be at least 0.05 (3 seconds)" }).max(24 * 60).default(5),
    caFile: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(500).max(60_000).default(5000),
  })
  .transform((o, ctx) => {
    if (!o.caFile) return { ...o, caPem: undefined };
    try {
      return { ...o, caPem: readFileSync(o.caFile, "utf8") };
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["caFile"], message: `cannot be read: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

export type OidcConfig = z.output<typeof oidcConfig>;
