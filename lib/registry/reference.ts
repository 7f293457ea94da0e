/**
 * Image references and digests, following the grammar of distribution/reference (the one docker,
 * containerd and skopeo share) and the OCI distribution spec's repository-name rules.
 *
 *   name       := path-component ["/" path-component]*   (no registry host: URLs carry it)
 *   path-comp  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex           (sha256: 64 hex, sha512: 128 hex, lowercase)
 *
 * Repository names end up inside URL paths, so every client call validates them here first; that is
 * also what keeps "../" and friends out of the requests we send.
 */
import { InvalidInputError } from "./errors";

const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** The one tag rule: forms and API input use it as is, registry calls through validateTag. */
export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const DIGEST_ALGORITHM = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/;

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: "sha256" | "sha512";
  hex: string;
  /** the full "algorithm:hex" string */
  digest: string;
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
  if (TAG_PATTERN.test(tag)) return undefined;
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

/**
 * The tag under which clients keep the referrers index for registries without the referrers API
 * (OCI distribution spec, "Referrers Tag Schema"): "<alg>-<hex>", hex cut to 64 characters.
 */
export function referrersTagFor(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex.slice(0, 64)}`;
}

const REFERRERS_TAG = /^sha(256|512)-[0-9a-f]{64,128}$/;

/**
 * Whether a tag is a referrers-tag-schema index (the shape referrersTagFor makes), not an image tag.
 * The one predicate every tag count and listing uses, so pages never disagree on how many tags a
 * repository has. Cosign's `sha256-<hex>.sig` tags are not matched: they hold real manifests.
 */
export function isReferrersTag(tag: string): boolean {
  return REFERRERS_TAG.test(tag);
}
