/**
 * What the probe management forms submit, validated: the common fields, plus the fields of the chosen
 * kind's form (kinds/*.ts), checked by the kind's own rules so a mistake shows under its field.
 */
import { z } from "zod";
import { formName } from "@/lib/config/names";
import { MIN_INTERVAL_SECONDS } from "./config-schema";
import { checkTarget } from "./kinds/check";
import { formParams, probeKinds, probeKindSpec } from "./kinds";

export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);
export const intervalField = z.coerce.number().int().min(MIN_INTERVAL_SECONDS, `at least ${MIN_INTERVAL_SECONDS} seconds`).max(86_400);
export const timeoutField = z.coerce.number().int().min(100, "at least 100 ms").max(120_000);

export const newTargetForm = z
  .object({ name: formName, kind: z.enum(probeKinds), registryName: optionalText, intervalSeconds: intervalField, timeoutMs: timeoutField })
  .catchall(z.unknown())
  .transform((input, ctx) => {
    const spec = probeKindSpec(input.kind)!;
    const registryName = spec.registry === "never" ? null : (input.registryName ?? null);
    const params = formParams(spec, input);
    for (const p of checkTarget(spec, { registry: registryName, params }).problems) {
      ctx.addIssue({ code: "custom", path: p.path[0] === "registry" ? ["registryName"] : [String(p.path[0])], message: p.message });
    }
    return { name: input.name, kind: input.kind, registryName, params, intervalSeconds: input.intervalSeconds, timeoutMs: input.timeoutMs };
  });
