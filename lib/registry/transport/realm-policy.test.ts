import { describe, expect, it } from "vitest";
import { RegistryError } from "../errors";
import { checkTokenRealm, isMetadataOrLinkLocal, type RealmCheck } from "./realm-policy";

const https = new URL("https://registry.example.com");
const loopbackHttp = new URL("http://127.0.0.1:5000");

function check(realm: string, over: Partial<RealmCheck> = {}) {
  return checkTokenRealm({ realm: new URL(realm), registryUrl: https, registryName: "corp", hasCredentials: true, ...over });
}

function refusal(realm: string, over: Partial<RealmCheck> = {}): RegistryError {
  try {
    check(realm, over);
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return err as RegistryError;
  }
  throw new Error(`expected ${realm} to be refused`);
}

describe("token realm policy", () => {
  it("sends credentials to the registry's own host", () => {
    expect(check("https://registry.example.com/service/token")).toEqual({ sendCredentials: true });
  });

  it("withholds credentials from any other host unless tokenRealms lists it", () => {
    const e = refusal("https://auth.elsewhere.example/token");
    expect(e.kind).toBe("unauthorized");
    expect(e.registry).toBe("registry.example.com");
    expect(e.message).toContain("auth.elsewhere.example");
    expect(e.message).toContain('add "https://auth.elsewhere.example" to tokenRealms of registry "corp" in dockmaster.yaml');
    // another port of the same host is another host
    expect(refusal("https://registry.example.com:8443/token").message).toContain("registry.example.com:8443");
    expect(check("https://auth.elsewhere.example/token", { allowed: ["https://auth.elsewhere.example"] })).toEqual({ sendCredentials: true });
    expect(check("https://auth.elsewhere.example/token", { allowed: ["https://auth.elsewhere.example/token?x=1"] })).toEqual({ sendCredentials: true });
    expect(check("https://auth.elsewhere.example/token", { allowed: ["auth.elsewhere.example"] })).toEqual({ sendCredentials: true });
    // listing a host on http does not allow it on https and vice versa: the origin is what counts
    expect(refusal("https://auth.elsewhere.example/token", { allowed: ["http://auth.elsewhere.example"] }).kind).toBe("unauthorized");
  });

  it("lets an anonymous client ask a foreign https realm: there is nothing to leak", () => {
    expect(check("https://auth.elsewhere.example/token", { hasCredentials: false })).toEqual({ sendCredentials: false });
  });

  it("requires https for the realm unless the registry itself is plain http on loopback", () => {
    const e = refusal("http://registry.example.com/token");
    expect(e.message).toMatch(/plain http/);
    expect(e.message).toContain("tokenRealms");
    expect(refusal("http://registry.example.com/token", { hasCredentials: false }).kind).toBe("unauthorized");
    expect(check("http://127.0.0.1:5000/token", { registryUrl: loopbackHttp })).toEqual({ sendCredentials: true });
    // an http registry elsewhere than loopback gets no exemption
    expect(refusal("http://registry.internal:5000/token", { registryUrl: new URL("http://registry.internal:5000") }).message).toMatch(/plain http/);
    // an explicitly listed http origin is the operator's decision
    expect(check("http://auth.internal/token", { allowed: ["http://auth.internal"] })).toEqual({ sendCredentials: true });
  });

  it("refuses link-local and cloud metadata addresses, even without credentials, unless listed", () => {
    for (const realm of [
      "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "https://169.254.10.1/token",
      "https://[fe80::1]/token",
      "https://[febf::1]/token",
      "https://[fd00:ec2::254]/token",
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://METADATA.google.internal./x",
      "https://[::ffff:169.254.169.254]/token",
      "https://2852039166/token",
    ]) {
      const e = refusal(realm, { hasCredentials: false });
      expect(e.message, realm).toMatch(/link-local or cloud metadata/);
    }
    expect(check("https://169.254.1.1/token", { allowed: ["https://169.254.1.1"] })).toEqual({ sendCredentials: true });
    expect(isMetadataOrLinkLocal("[fec0::1]")).toBe(false);
    expect(isMetadataOrLinkLocal("169.255.0.1")).toBe(false);
    expect(isMetadataOrLinkLocal("auth.docker.io")).toBe(false);
  });

  it("refuses realms that are not http(s)", () => {
    expect(refusal("file:///etc/passwd").kind).toBe("bad_response");
  });
});
