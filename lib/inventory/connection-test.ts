import { createProvider } from "@/lib/registry";
import { draftConnection, type NewRegistry } from "./registries";

/**
 * "Test connection" in the Settings form: GET /v2/ through the whole stack with the typed values
 * (for ECR: an authorization token from the AWS API first), so wrong credentials, a wrong URL or a
 * TLS problem show before the registry is saved. Failures are RegistryErrors, whose messages name
 * the host and the kind of problem, never the credentials.
 */
export async function testRegistryConnection(input: NewRegistry): Promise<string> {
  const provider = createProvider(draftConnection(input));
  try {
    const ping = await provider.ping();
    const auth = ping.authScheme === "none" ? "no authentication asked" : `${ping.authScheme} authentication accepted`;
    return `Connected to ${provider.host} in ${ping.latencyMs} ms: ${auth}${ping.apiVersion ? `, ${ping.apiVersion}` : ""}.`;
  } finally {
    await provider.close().catch(() => undefined);
  }
}
