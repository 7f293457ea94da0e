import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { registryClientSuite } from "./client-suite";

const users = [{ username: "ops", password: "s3cret-Pa55" }];

registryClientSuite("OCI client against Distribution 2.8 with htpasswd Basic auth", async () => {
  const registry = await startRegistry({ auth: "htpasswd", users });
  const provider = createOciProvider({ name: "basic", url: registry.url, auth: { kind: "basic", username: "ops", password: "s3cret-Pa55" } });
  return {
    provider,
    expectedAuthScheme: "basic",
    close: async () => {
      await provider.close();
      await registry.stop();
    },
  };
});

describe("Basic auth failures", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "htpasswd", users });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("a wrong password is 'unauthorized' with an actionable message", async () => {
    const provider = createOciProvider({ name: "bad", url: registry.url, auth: { kind: "basic", username: "ops", password: "wrong" } });
    try {
      await expect(provider.listRepositories()).rejects.toMatchObject({
        kind: "unauthorized",
        status: 401,
        registry: registry.host,
        message: `registry ${registry.host} rejected the credentials (401 UNAUTHORIZED: authentication required) for GET /v2/_catalog`,
      });
      await expect(provider.ping()).rejects.toMatchObject({ kind: "unauthorized" });
    } finally {
      await provider.close();
    }
  });

  it("no credentials at all says so", async () => {
    const provider = createOciProvider({ name: "anon", url: registry.url, auth: { kind: "anonymous" } });
    try {
      await expect(provider.listTags("any/repo")).rejects.toMatchObject({
        kind: "unauthorized",
        message: expect.stringMatching(/requires authentication .*configure credentials/),
      });
    } finally {
      await provider.close();
    }
  });
});
