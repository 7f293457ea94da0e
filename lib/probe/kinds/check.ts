import type { ProbeKindSpec } from "./spec";

interface TargetProblem {
  /** relative to the target: ["registry"], ["repository"], ["environments", 1] */
  path: (string | number)[];
  message: string;
}

interface TargetToCheck {
  registry: string | null | undefined;
  params: Record<string, unknown>;
}

/**
 * What is wrong with a target of this kind, the same answer for dockmaster.yaml, the form and the
 * service: the registry rule of the kind and its settings schema, with a missing setting explained
 * by its description. `params` is the parsed settings when there is no problem.
 */
export function checkTarget(spec: ProbeKindSpec, t: TargetToCheck): { problems: TargetProblem[]; params?: Record<string, unknown> } {
  const problems: TargetProblem[] = [];
  if (spec.registry === "required" && !t.registry) problems.push({ path: ["registry"], message: `is required for kind ${spec.kind} (the registry to probe)` });
  if (spec.registry === "or-url" && !t.registry && t.params.url === undefined) problems.push({ path: ["registry"], message: `is required for kind ${spec.kind} (the registry to probe, or url)` });
  if (spec.registry === "never" && t.registry) problems.push({ path: ["registry"], message: `is not used by kind ${spec.kind}: it reads the registry of each environment` });
  const parsed = spec.params.safeParse(t.params);
  if (parsed.success) return problems.length ? { problems } : { problems, params: parsed.data };
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: [...issue.path.map(String), key], message: `is not a setting of kind ${spec.kind}` });
      continue;
    }
    const field = issue.path[0];
    if (issue.code === "invalid_type" && issue.path.length === 1 && t.params[String(field)] === undefined) {
      const why = spec.params.shape[String(field)]?.description;
      problems.push({ path: [String(field)], message: `is required for kind ${spec.kind}${why ? ` (${why})` : ""}` });
      continue;
    }
    problems.push({ path: issue.path.map((p) => (typeof p === "number" ? p : String(p))), message: issue.message });
  }
  return { problems };
}
