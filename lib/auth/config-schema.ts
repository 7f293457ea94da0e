/**
 * The `auth:` section of dockmaster.yaml (added to the config in lib/app-config.ts): API token limits,
 * and where people sign in (local passwords, the break-glass account, LDAP: ./identity-config.ts).
 *
 *   auth:
 *     tokens:
 *       maxDays: 365     # no new API token may live longer (UI and API alike)
 *     local: true
 *     ldap: { … }
 */
import { z } from "zod";
import { checkSignIn, signInFields } from "./identity-config";

const DEFAULT_TOKEN_MAX_DAYS = 365;

const tokensConfig = z.strictObject({
  maxDays: z.number().int().min(1, { error: "must be at least 1 day" }).max(3650, { error: "must be at most 3650 days (10 years)" }).default(DEFAULT_TOKEN_MAX_DAYS),
});

export const authConfig = z
  .strictObject({
    tokens: tokensConfig.prefault({}),
    ...signInFields,
  })
  .superRefine(checkSignIn);

export type AuthConfig = z.output<typeof authConfig>;
export type TokenSettings = z.output<typeof tokensConfig>;
export const defaultTokenSettings: TokenSettings = { maxDays: DEFAULT_TOKEN_MAX_DAYS };
