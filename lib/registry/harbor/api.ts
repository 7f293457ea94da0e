import type { OciClientOptions } from "../oci/client";
import { basicAuthorization } from "../transport/basic";
import type { RegistryConnection } from "../provider";
import { createJsonApi, type JsonApi } from "../transport/json-api";

/** Harbor's REST API (/api/v2.0) with the connection's Basic credentials (a user or robot account). */
export function createHarborApi(conn: RegistryConnection, options: OciClientOptions = {}): JsonApi {
  const auth = conn.auth;
  const value = auth.kind === "basic" ? basicAuthorization(auth.username, auth.password) : auth.kind === "bearer-token" ? `Bearer ${auth.token}` : undefined;
  return createJsonApi({
    url: conn.url,
    basePath: "/api/v2.0",
    ...(conn.tls ? { tls: conn.tls } : {}),
    ...(conn.timeoutMs ? { timeoutMs: conn.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.retryHooks ? { retryHooks: options.retryHooks } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    authorization: async () => value,
  });
}
