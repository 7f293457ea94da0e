import { z } from "zod";
import { approvalsSchema } from "./approvals";
import { configName, ENV_REF, envRefName } from "./names";
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

const gates = z.strictObject({
  maxFindings: severityLimits.optional(),
  noFixableCritical: z.boolean().optional(),
  maxScanAgeDays: z.number().int().positive().optional(),
  /**
   * which scan reports count for the scan gates: "registry" (the registry's own scanner: Harbor, ECR)
   * and "referrer" (reports attached to the image, which whoever pushes it can attach); default both
   */
  scanSources: z.array(z.enum(["registry", "referrer"])).min(1).optional(),
  requireSignature: z.boolean().optional(),
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
  });

export type DockmasterConfig = z.infer<typeof configSchema>;
export type GateConfig = z.infer<typeof gates>;

