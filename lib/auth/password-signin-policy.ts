import type { AuthConfig } from "./config-schema";
import { normalizeEmail } from "./users";

export type PasswordSignInSettings = Pick<AuthConfig, "local" | "breakGlass">;

/**
 * With `auth.local: false` people sign in through the directory; only the break-glass account keeps
 * its password, so an administrator can still get in while the directory is down.
 */
export function passwordSignInAllowed(email: string, auth: PasswordSignInSettings | undefined): boolean {
  if (!auth || auth.local) return true;
  return !!auth.breakGlass && normalizeEmail(auth.breakGlass) === normalizeEmail(email);
}
