import { createOciProvider } from "../../lib/registry/oci/provider";
import { startRegistry } from "../harness/registry";
import { registryClientSuite } from "./client-suite";

registryClientSuite("OCI client against Distribution 2.8 without auth", async () => {
  const registry = await startRegistry();
  const provider = createOciProvider({ name: "anon", url: registry.url, auth: { kind: "anonymous" } });
  return {
    provider,
    expectedAuthScheme: "none",
    close: async () => {
      await provider.close();
      await registry.stop();
    },
  };
});
