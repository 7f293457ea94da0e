import { z } from "zod";
import { approvalsSchema } from "./approvals";
import { configName, ENV_REF, envRefName } from "./names";
import { checkRetentionReferences, retentionSchema } from "./retention";
import { pipelineOrderConflict } from "./pipeline-order";
import { windowsSchema } from "./windows";

export { envRefName };

/** A secret must be written as ${ENV_VAR}: plaintext secrets do not belong in a file kept in git. */
const secretRef = z
  .string()
  .regex(ENV_REF, "must be an environment variable reference like ${HARBOR_PASSWORD}, not a plaintext secret");

/** Non-secret strings may be literal or ${ENV_VAR}. */
const maybeEnv = z.string().min(1);

export const registryKinds = ["oci", "harbor", "ecr", "dockerhub"] as const;

const credentials = z.strictObject({
  username: maybeEnv.optional(),
  password: secretRef.optional(),
  token: secretRef.optional(),
  /** ECR: AWS access key pair by env reference; absent means the SDK's default provider chain. */
  accessKeyId: secretRef.optional(),
  secretAccessKey: secretRef.optional(),
});

/** Whether a URL carries `user:password@`; the URL itself is never repeated, it may hold a secret. */
function hasEmbeddedCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}

/**
 * A registry's address: http(s) only, and no credentials inside it (they would show wherever the URL
 * is shown or logged). Shared by dockmaster.yaml and the Settings form.
 */
export const registryUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .refine((url) => !hasEmbeddedCredentials(url), {
    message: "must not contain credentials (user:password@); give the username under credentials.username and the password as ${ENV_VAR} under credentials.password (in the Settings form: the Username and Secret fields)",
  });

/**
 * Token services (Bearer realms) other than the registry's own host that may receive the registry's
 * credentials: "https://auth.example.com" or a full realm URL (only its origin counts).
 */
const tokenRealm = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL of a token service" }).refine((url) => !hasEmbeddedCredentials(url), {
  message: "must not contain credentials (user:password@)",
});

const registry = z.strictObject({
  name: configName,
  kind: z.enum(registryKinds),
  url: registryUrl,
  tokenRealms: z.array(tokenRealm).optional(),
  region: z.string().optional(),
  credentials: credentials.optional(),
  tls: z
    .strictObject({
      insecureSkipVerify: z.boolean().default(false),
      caFile: z.string().optional(),
    })
    .optional(),
  /** registry events (pushes, deletes) posted to /api/v1/events/<name>, proven by this shared secret */
  events: z.strictObject({ secret: secretRef }).optional(),
});

const severityLimits = z.strictObject({
  critical: z.number().int().min(0).optional(),
  high: z.number().int().min(0).optional(),
  medium: z.number().int().min(0).optional(),
});

/**
 * Verified signatures a promotion into the environment needs. Keys and the trust store are read and
 * parsed at start-up (lib/signature/trust.ts); a key may be a file path, inline PEM or ${ENV}.
 */
const signatureGate = z
  .strictObject({
    /** cosign public keys (PEM): ECDSA P-256, Ed25519 or RSA */
    keys: z.array(z.strictObject({ name: configName, publicKey: z.string().min(1) })).default([]),
    /** Notation (Notary Project) signatures: the CA bundle they must chain to, and whose they may be */
    notation: z
      .strictObject({
        trustStore: z.string().min(1),
        identities: z.array(z.string().regex(/^(\*|x509\.subject:\s*\S.*)$/, 'must be "*" or "x509.subject: CN=…,O=…"')).min(1),
      })
      .optional(),
    /** verified signatures by distinct keys or signers */
    minSignatures: z.number().int().min(1).max(10).default(1),
  })
  .superRefine((s, ctx) => {
    if (s.keys.length === 0 && !s.notation) ctx.addIssue({ code: "custom", message: "declares neither keys nor a notation trust store: nothing could ever verify" });
    const names = new Set<string>();
    s.keys.forEach((k, i) => {
      if (names.has(k.name)) ctx.addIssue({ code: "custom", path: ["keys", i, "name"], message: `duplicate key name "${k.name}"` });
      names.add(k.name);
    });
  });

const gates = z.strictObject({
  maxFindings: severityLimits.optional(),
  noFixableCritical: z.boolean().optional(),
  maxScanAgeDays: z.number().int().positive().optional(),
  /**
   * which scan reports count for the scan gates: "registry" (the registry's own scanner: Harbor, ECR)
   * and "referrer" (reports attached to the image, which whoever pushes it can attach); default both
   */
  scanSources: z.array(z.enum(["registry", "referrer"])).min(1).optional(),
  signature: signatureGate.optional(),
  /** removed: it passed when any signature-looking referrer existed, which anyone able to push can add */
  requireSignature: z
    .never({
      error: "is no longer supported: presence alone no longer counts. Declare gates.signature with the keys (cosign public keys) or notation trust store whose verified signatures a promotion needs, and remove requireSignature",
    })
    .optional(),
  /** a number of approvers, or groups that must each sign off (lib/config/approvals.ts) */
  approvals: approvalsSchema.optional(),
  /** when promotions into this environment may run (lib/config/windows.ts) */
  windows: windowsSchema.optional(),
  /** an existing tag in this environment may not be re-pointed to another digest */
  immutableTags: z.boolean().optional(),
});

const environment = z.strictObject({
  name: configName,
  order: z.number().int(),
  registry: z.string(),
  namespace: z.string().default(""),
  protected: z.boolean().default(false),
  gates: gates.optional(),
  /** retention rules and protections (lib/config/retention.ts; planned by lib/retention) */
  retention: retentionSchema.optional(),
});

export const configSchema = z
  .strictObject({
    registries: z.array(registry).default([]),
    environments: z.array(environment).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.registries.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: "custom", path: ["registries", i, "name"], message: `duplicate registry name "${r.name}"` });
      seen.add(r.name);
    });
    const envNames = new Set<string>();
    cfg.environments.forEach((e, i) => {
      const conflict = pipelineOrderConflict(cfg.environments.slice(0, i), e);
      if (conflict) ctx.addIssue({ code: "custom", path: ["environments", i, "order"], message: conflict });
      if (envNames.has(e.name)) ctx.addIssue({ code: "custom", path: ["environments", i, "name"], message: `duplicate environment name "${e.name}"` });
      envNames.add(e.name);
      if (!seen.has(e.registry)) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", i, "registry"],
          message: `refers to registry "${e.registry}", which is not declared under registries`,
        });
      }
    });
    checkRetentionReferences(cfg.environments, ctx);
  });

export type DockmasterConfig = z.infer<typeof configSchema>;
export type GateConfig = z.infer<typeof gates>;
export type SignatureGateConfig = z.infer<typeof signatureGate>;

