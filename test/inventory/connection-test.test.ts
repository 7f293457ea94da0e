/**
 * "Test connection" in the Settings form, against a real htpasswd-protected docker-registry: the
 * typed values are tried before anything is saved, and a refusal never repeats the credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRegistryConnection } from "@/lib/inventory/connection-test";
import { draftConnection } from "@/lib/inventory/registries";
import { RegistryError } from "@/lib/registry";
import { freePort } from "../harness/free-port";
import { startRegistry, type RunningRegistry } from "../harness/registry";

const PASSWORD = "typed-into-the-form-secret";

describe("testing a registry connection from the Settings form", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "htpasswd", users: [{ username: "ci", password: PASSWORD }] });
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it("answers with the host and the authentication the registry accepted", async () => {
    const message = await testRegistryConnection({ name: "new", kind: "oci", url: registry.url, username: "ci", secret: PASSWORD });
    expect(message).toMatch(new RegExp(`^Connected to ${registry.host.replace(/[.]/g, "\\.")} in \\d+ ms: basic authentication accepted`));
  });

  it("refuses wrong credentials as unauthorized, without echoing them", async () => {
    const wrong = "wrong-typed-secret-123";
    const err = await testRegistryConnection({ name: "new", kind: "oci", url: registry.url, username: "ci", secret: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).kind).toBe("unauthorized");
    expect((err as RegistryError).message).not.toContain(wrong);
  });

  it("says when nothing listens at the URL", async () => {
    const err = await testRegistryConnection({ name: "new", kind: "oci", url: `http://127.0.0.1:${await freePort()}` }).catch((e: unknown) => e);
    expect((err as RegistryError).kind).toBe("unreachable");
  });

  it("ECR: the typed key pair and region sign the AWS calls (never basic auth to the registry)", () => {
    const conn = draftConnection({ name: "new", kind: "ecr", url: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", region: "eu-central-1", accessKeyId: "AKIAEXAMPLE", secret: "s3cret" });
    expect(conn.auth).toEqual({ kind: "anonymous" });
    expect(conn.aws).toEqual({ region: "eu-central-1", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cret" });
    // no region typed: the one in the URL
    expect(draftConnection({ name: "new", kind: "ecr", url: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" }).aws).toEqual({ region: "eu-west-1" });
  });
});
