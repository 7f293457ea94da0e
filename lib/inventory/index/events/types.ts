/**
 * What a registry event means for the index, whatever the registry kind sent: each kind's parser
 * (distribution.ts today; Harbor, ECR and Hub payloads next) turns its body into these.
 */
export type RegistryEventChange =
  /** a tag now points at this manifest */
  | { id: string; repository: string; kind: "tagged"; tag: string; digest: string; actor?: string }
  /** a tag was removed */
  | { id: string; repository: string; kind: "tag-deleted"; tag: string; actor?: string }
  /** a manifest was removed, and every tag that pointed at it */
  | { id: string; repository: string; kind: "manifest-deleted"; digest: string; actor?: string }
  /** the registry finished scanning this manifest: re-read its scan report */
  | { id: string; repository: string; kind: "scanned"; digest: string; actor?: string }
  /** something changed in the repository that names no tag (a push by digest): re-read it */
  | { id: string; repository: string; kind: "touched"; actor?: string }
  /** the manifest was pulled at `at` (ISO, the registry's clock): its tags' pull time, no re-read (Harbor only) */
  | { id: string; repository: string; kind: "pulled"; digest: string; at: string; actor?: string }
  /** nothing the index keeps (Distribution's pulls, blob uploads, mounts) */
  | { id: string; repository: string; kind: "ignored" };

/** A parser's answer: the changes, or why the body is not what the kind sends (field paths first). */
export type ParsedEvents = RegistryEventChange[] | { error: string };

/** zod issues as "path: message", the first few, so a sender's 400 names the field that is wrong. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`).slice(0, 5).join("; ");
}

/** A registry digest as the index stores it. */
export const DIGEST_PATTERN = /^sha(256|512):[0-9a-f]{64,128}$/;
