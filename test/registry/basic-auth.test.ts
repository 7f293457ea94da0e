import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { startFaultProxy } from "../harness/fault-proxy";
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

  it("a ping asks the registry for its challenge once: the unauthenticated GET /v2/ also serves the auth step", async () => {
    const proxy = await startFaultProxy(registry.url);
    const provider = createOciProvider({ name: "basic", url: proxy.url, auth: { kind: "basic", username: "ops", password: "s3cret-Pa55" } });
    try {
      expect(await provider.ping()).toMatchObject({ authScheme: "basic" });
      // one unauthenticated (401, the challenge) and one authenticated (200)
      expect(proxy.requestsTo("/v2/", "GET")).toHaveLength(2);
    } finally {
      await provider.close();
      await proxy.stop();
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
