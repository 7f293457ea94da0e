import type { CredentialCheck } from "../capabilities";
import { RegistryError } from "../errors";
import type { RegistryConnection } from "../provider";
import type { JsonApi } from "../transport/json-api";

const ANONYMOUS_FALLBACK = "credentials rejected (Harbor answered as anonymous)";

/**
 * Whether Harbor accepted the login. A wrong, disabled or expired user or robot login is not a 401 in
 * Harbor: the request just runs as anonymous (src/server/middleware/security/basic_auth.go, robot.go) and
 * public content still answers 200. So ask an endpoint that needs a login and nothing more:
 * /retentions/metadatas is behind RequireAuthenticated only (src/server/v2.0/handler/retention.go), which
 * robots pass too, unlike /users/current.
 */
export async function verifyHarborLogin(api: JsonApi, conn: RegistryConnection): Promise<CredentialCheck> {
  // configured as anonymous: there is no login to verify
  if (conn.auth.kind === "anonymous") return { ok: true };
  try {
    await api.call<unknown>({ path: "/retentions/metadatas", what: "login check" });
    return { ok: true };
  } catch (err) {
    if (err instanceof RegistryError && err.kind === "unauthorized") return { ok: false, reason: "anonymous_fallback", message: ANONYMOUS_FALLBACK };
    throw err;
  }
}
