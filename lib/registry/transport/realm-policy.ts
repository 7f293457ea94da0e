/**
 * Where a Bearer token may be fetched from. The registry names the realm in its WWW-Authenticate
 * challenge, so whoever controls the registry's responses chooses it: without a rule, Dockmaster would
 * send the registry's Basic credentials to any host it is told to, and fetch any URL a viewer can
 * trigger (an SSRF probe into the cloud metadata service). The rule:
 *  - credentials go only to the registry's own host (host and port) or to an origin the registry's
 *    configuration lists under `tokenRealms`;
 *  - the realm must be https, unless the registry itself is plain http on loopback (a local test
 *    setup) or the operator listed that http origin;
 *  - link-local and cloud metadata addresses are refused outright unless listed, credentials or not.
 * An anonymous client may still ask a foreign https realm: it has nothing to leak, and public
 * registries often keep their token service on another host.
 */
import { BlockList, isIP } from "node:net";
import { RegistryError } from "../errors";

export interface RealmCheck {
  realm: URL;
  registryUrl: URL;
  /** display name of the registry, to say where to allow the realm */
  registryName?: string;
  /** `tokenRealms` of the registry's configuration: origins or URLs (a bare host means https) */
  allowed?: readonly string[];
  /** the registry has Basic credentials the token service would receive */
  hasCredentials: boolean;
}

interface RealmDecision {
  sendCredentials: boolean;
}

const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet("169.254.0.0", 16, "ipv4");
LINK_LOCAL.addSubnet("fe80::", 10, "ipv6");
// AWS's IPv6 metadata endpoint and Alibaba Cloud's metadata address are not link-local
LINK_LOCAL.addAddress("fd00:ec2::254", "ipv6");
LINK_LOCAL.addAddress("100.100.100.200", "ipv4");

const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog"]);

/** `hostname` as URL gives it: IPv6 in brackets, lower case, maybe a trailing dot. */
export function isMetadataOrLinkLocal(hostname: string): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
  const family = isIP(bare);
  if (family === 4) return LINK_LOCAL.check(bare, "ipv4");
  if (family === 6) return LINK_LOCAL.check(bare, "ipv6");
  return METADATA_NAMES.has(bare);
}

function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, "$1");
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** The origins a `tokenRealms` list allows; entries that are not URLs are skipped (config validation names them). */
function allowedOrigins(allowed: readonly string[] | undefined): Set<string> {
  const origins = new Set<string>();
  for (const entry of allowed ?? []) {
    try {
      origins.add(new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `https://${entry}`).origin);
    } catch {
      // not a URL: allows nothing
    }
  }
  return origins;
}

export function checkTokenRealm(check: RealmCheck): RealmDecision {
  const { realm, registryUrl } = check;
  const name = check.registryName ? `registry "${check.registryName}"` : `the registry ${registryUrl.host}`;
  const allowHint = `if that token service belongs to the registry, add "${realm.origin}" to tokenRealms of ${name} in dockmaster.yaml`;
  const refuse = (kind: "unauthorized" | "bad_response", why: string) =>
    new RegistryError({
      kind,
      registry: registryUrl.host,
      message: `registry ${registryUrl.host} asked for a token from ${realm.host}, which Dockmaster refuses: ${why}`,
    });

  if (realm.protocol !== "https:" && realm.protocol !== "http:") {
    throw refuse("bad_response", `the realm is not an http(s) URL (${realm.protocol})`);
  }
  const listed = allowedOrigins(check.allowed).has(realm.origin);
  if (listed) return { sendCredentials: true };

  if (isMetadataOrLinkLocal(realm.hostname)) {
    throw refuse("unauthorized", `${realm.hostname} is a link-local or cloud metadata address; ${allowHint}`);
  }
  const plainHttpAllowed = registryUrl.protocol === "http:" && isLoopback(registryUrl.hostname);
  if (realm.protocol === "http:" && !plainHttpAllowed) {
    throw refuse("unauthorized", `the realm ${realm.origin} is plain http, and tokens and credentials travel only over https; ${allowHint}`);
  }
  if (realm.host === registryUrl.host) return { sendCredentials: true };
  if (check.hasCredentials) {
    throw refuse("unauthorized", `it is not the registry's own host, so the credentials of ${name} were not sent there; ${allowHint}`);
  }
  return { sendCredentials: false };
}
