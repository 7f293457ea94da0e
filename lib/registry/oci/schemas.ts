/**
 * Shapes of what registries send, checked before use so a broken registry yields "bad_response" with
 * the offending field instead of a TypeError deep inside the UI. Objects are loose: unknown fields are
 * legal in every OCI document and must survive untouched.
 */
import { z } from "zod";
import { isDigest } from "../reference";

const digest = z.string().refine(isDigest, { message: "not a valid sha256/sha512 digest" });
const stringMap = z.record(z.string(), z.string());

const platformSchema = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  "os.version": z.string().optional(),
});

const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: stringMap.optional(),
  platform: platformSchema.optional(),
  artifactType: z.string().optional(),
  data: z.string().optional(),
});

export const imageManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: stringMap.optional(),
});

export const imageIndexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: stringMap.optional(),
});

const stringList = z.array(z.string()).nullable().optional();

export const imageConfigSchema = z.looseObject({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  config: z
    .looseObject({
      User: z.string().optional(),
      Env: stringList,
      Entrypoint: stringList,
      Cmd: stringList,
      WorkingDir: z.string().optional(),
      Labels: stringMap.nullable().optional(),
    })
    .nullable()
    .optional(),
  rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(z.string()) }).optional(),
  history: z
    .array(
      z.looseObject({
        created: z.string().optional(),
        created_by: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .nullable()
    .optional(),
});

export const catalogSchema = z.looseObject({ repositories: z.array(z.string()).nullable() });
export const tagListSchema = z.looseObject({ name: z.string().optional(), tags: z.array(z.string()).nullable() });

export type ImageConfigJson = z.infer<typeof imageConfigSchema>;

/** "layers.0.digest: not a valid sha256/sha512 digest; …" */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
