/**
 * A registry URL with credentials in it (`https://user:pass@host`) puts a secret where every listing,
 * log line and audit row shows the URL. It is refused everywhere a registry URL enters: dockmaster.yaml,
 * the Settings form (server side) and the transport itself. No message repeats the password.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../lib/config/load";
import { normalizeRegistryUrl } from "../../lib/registry/transport/transport";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";
import { refusalProblems } from "../support/config-problems";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.45" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const yaml = (url: string) => `
registries:
  - name: local
    kind: oci
    url: ${url}
`;

const problems = (text: string) => refusalProblems(text);

describe("credentials embedded in a registry URL", () => {
  it("are refused in dockmaster.yaml with file:line and without repeating the password", () => {
    const p = problems(yaml("https://robot:s3cret-pw@registry.example.com"));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^dockmaster\.yaml:5: registries\[0\]\.url: must not contain credentials \(user:password@\); /);
    expect(p[0]).not.toContain("s3cret-pw");
    expect(problems(yaml("https://robot@registry.example.com"))[0]).toMatch(/must not contain credentials/);
    expect(parseConfig(yaml("https://registry.example.com"), "dockmaster.yaml", {}).registries[0]!.url).toBe("https://registry.example.com");
  });

  it("are refused by the transport, whatever the caller", () => {
    expect(() => normalizeRegistryUrl("https://robot:s3cret-pw@registry.example.com")).toThrow(/must not contain credentials/);
    expect(() => normalizeRegistryUrl("robot:s3cret-pw@registry.example.com")).toThrow(/must not contain credentials/);
    expect(() => normalizeRegistryUrl("ftp://robot:s3cret-pw@registry.example.com")).toThrow(/^registry URL for registry\.example\.com must not contain credentials/);
    try {
      normalizeRegistryUrl("https://robot:s3cret-pw@registry.example.com");
    } catch (err) {
      expect((err as Error).message).not.toContain("s3cret-pw");
    }
    expect(normalizeRegistryUrl("registry.example.com:5000").toString()).toBe("https://registry.example.com:5000/");
  });

  describe("in the Settings registry form", () => {
    let dir: string;
    let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;

    beforeAll(async () => {
      ({ dir, prisma } = await openEmbeddedRuntime("dm-url-cred-"));
      const { createUser } = await import("@/lib/auth/users");
      const admin = await createUser(prisma, { actor: null, ip: null }, { email: "admin@x.io", password: "admin password!", grants: [{ role: "admin", environmentId: null }] });
      session.current = { user: { id: admin.id, sessionVersion: 0 } };
    });
    afterAll(() => closeEmbeddedRuntime(dir));

    it("are refused on the server with a field error, and nothing is stored", async () => {
      const { createRegistryAction } = await import("@/app/(app)/settings/registries/actions");
      const f = new FormData();
      for (const [k, v] of Object.entries({ name: "leaky", kind: "oci", url: "https://robot:s3cret-pw@registry.example.com" })) f.set(k, v);
      const res = await createRegistryAction(undefined, f);
      expect(res).toMatchObject({ status: "error", fieldErrors: { url: [expect.stringMatching(/must not contain credentials/)] } });
      expect(JSON.stringify(res)).not.toContain("s3cret-pw");
      expect(await prisma.registry.count()).toBe(0);
    });
  });
});
