/**
 * Image references and digests, following the grammar of distribution/reference (the one docker,
 * containerd and skopeo share) and the OCI distribution spec's repository-name rules.
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [domain "/"] path-component ["/" path-component]*
 *   domain     := host [":" port]             host: DNS name, IPv4, or [IPv6]
 *   path-comp  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex           (sha256: 64 hex, sha512: 128 hex, lowercase)
 *
 * Repository names end up inside URL paths, so every client call validates them here first; that is
 * also what keeps "../" and friends out of the requests we send.
 */
import { InvalidInputError } from "./errors";

export const DEFAULT_REGISTRY = "docker.io";
const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:.]+\]$/;
const PORT = /^[0-9]{1,5}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_ALGORITHM = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/;

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ImageReference {
  /** "docker.io", "127.0.0.1:5000", "[::1]:5000" */
  registry: string;
  /** "library/nginx", "team/app" */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ParsedDigest {
  algorithm: "sha256" | "sha512";
  hex: string;
  /** the full "algorithm:hex" string */
  digest: string;
}

function invalid(input: string, reason: string): never {
  throw new InvalidInputError(`invalid image reference "${input}": ${reason}`, input);
}

export function parseDigest(value: string): ParsedDigest {
  const fail = (reason: string): never => {
    throw new InvalidInputError(`invalid digest "${value}": ${reason}`, value);
  };
  const colon = value.indexOf(":");
  if (colon <= 0) fail('expected "<algorithm>:<hex>", e.g. "sha256:" followed by 64 hex characters');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) fail(`malformed algorithm "${algorithm}"`);
  const expectedLength = DIGEST_HEX_LENGTH[algorithm];
  if (expectedLength === undefined) fail(`unsupported algorithm "${algorithm}" (only sha256 and sha512 are registered)`);
  if (/[A-F]/.test(hex)) fail("hex must be lowercase");
  if (!/^[a-f0-9]*$/.test(hex)) fail("hex part contains non-hex characters");
  if (hex.length !== expectedLength) fail(`${algorithm} needs ${expectedLength} hex characters, got ${hex.length}`);
  return { algorithm: algorithm as ParsedDigest["algorithm"], hex, digest: value };
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/** Returns a reason string when the tag is invalid, undefined when it is fine. */
function tagProblem(tag: string): string | undefined {
  if (TAG.test(tag)) return undefined;
  return tag.length > 128 ? `tag is ${tag.length} characters long; the maximum is 128` : "a tag must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'";
}

export function validateTag(tag: string): string {
  const problem = tagProblem(tag);
  if (problem) throw new InvalidInputError(`invalid tag "${tag}": ${problem}`, tag);
  return tag;
}

/** Returns a reason string when the repository path is invalid, undefined when it is fine. */
function repositoryProblem(path: string): string | undefined {
  if (path.length === 0) return "repository name is empty";
  if (path !== path.toLowerCase()) return "repository name must be lowercase";
  const components = path.split("/");
  for (const component of components) {
    if (component.length === 0) return "repository name has an empty path component (leading, trailing or double '/')";
    if (!PATH_COMPONENT.test(component)) {
      return `path component "${component}" may only contain a-z, 0-9 and single separators '.', '_', '__' or '-' between them`;
    }
  }
  if (path.length > NAME_TOTAL_LENGTH_MAX) return `repository name is ${path.length} characters; the maximum is ${NAME_TOTAL_LENGTH_MAX}`;
  return undefined;
}

/** Validates a repository path as used in `/v2/<name>/...` (no registry host). */
export function validateRepositoryName(name: string): string {
  const problem = repositoryProblem(name);
  if (problem) throw new InvalidInputError(`invalid repository name "${name}": ${problem}`, name);
  return name;
}

/** A manifest reference in a URL is either a tag or a digest. */
export function parseManifestRef(ref: string): { kind: "tag"; tag: string } | { kind: "digest"; digest: string } {
  if (ref.includes(":")) return { kind: "digest", digest: parseDigest(ref).digest };
  return { kind: "tag", tag: validateTag(ref) };
}

function domainProblem(domain: string): string | undefined {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith("[")) {
    const end = domain.indexOf("]");
    if (end < 0) return `registry host "${domain}" has an unterminated IPv6 bracket`;
    host = domain.slice(0, end + 1);
    const rest = domain.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(":")) return `unexpected "${rest}" after IPv6 host`;
      port = rest.slice(1);
    }
    if (!IPV6_HOST.test(host)) return `"${host}" is not a valid IPv6 host`;
  } else {
    const colon = domain.lastIndexOf(":");
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    const labels = host.split(".");
    for (const label of labels) {
      if (!DOMAIN_COMPONENT.test(label)) return `registry host "${host}" has an invalid label "${label}"`;
    }
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) return `port "${port}" is not a number between 0 and 65535`;
  return undefined;
}

/** docker's rule: the first component is a registry host if it looks like one. */
function looksLikeDomain(component: string): boolean {
  return (
    component.includes(".") ||
    component.includes(":") ||
    component === "localhost" ||
    component.startsWith("[") ||
    component !== component.toLowerCase()
  );
}

export interface ParseReferenceOptions {
  /** Registry assumed when the reference names none; "docker.io" like the docker CLI. */
  defaultRegistry?: string;
}

/**
 * Parses "nginx", "team/app:1.2", "127.0.0.1:5000/a/b@sha256:…", applying docker.io/library defaults
 * for Docker Hub names. Throws InvalidInputError naming exactly what is wrong.
 */
export function parseReference(input: string, options: ParseReferenceOptions = {}): ImageReference {
  if (input.length === 0) invalid(input, "reference is empty");
  if (/\s/.test(input)) invalid(input, "reference contains whitespace");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) invalid(input, "remove the URL scheme; references look like host/repo:tag");

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const digestPart = rest.slice(at + 1);
    try {
      digest = parseDigest(digestPart).digest;
    } catch (e) {
      invalid(input, (e as Error).message);
    }
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  const lastSlash = rest.lastIndexOf("/");
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (tag.length === 0) invalid(input, "tag after ':' is empty");
    const problem = tagProblem(tag);
    if (problem) invalid(input, `tag "${tag}": ${problem}`);
  }

  if (rest.length === 0) invalid(input, "repository name is empty");
  if (rest.length > NAME_TOTAL_LENGTH_MAX) invalid(input, `name is ${rest.length} characters; the maximum is ${NAME_TOTAL_LENGTH_MAX}`);

  let registry: string | undefined;
  let repository = rest;
  const firstSlash = rest.indexOf("/");
  if (firstSlash >= 0 && looksLikeDomain(rest.slice(0, firstSlash))) {
    registry = rest.slice(0, firstSlash);
    repository = rest.slice(firstSlash + 1);
    const problem = domainProblem(registry);
    if (problem) invalid(input, problem);
  }

  const problem = repositoryProblem(repository);
  if (problem) invalid(input, problem);

  registry ??= options.defaultRegistry ?? DEFAULT_REGISTRY;
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repository.includes("/")) repository = `library/${repository}`;

  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function formatReference(ref: ImageReference): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag) out += `:${ref.tag}`;
  if (ref.digest) out += `@${ref.digest}`;
  return out;
}

/**
 * The tag under which clients keep the referrers index for registries without the referrers API
 * (OCI distribution spec, "Referrers Tag Schema"): "<alg>-<hex>", hex cut to 64 characters.
 */
export function referrersTagFor(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex.slice(0, 64)}`;
}
