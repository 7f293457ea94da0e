/**
 * A probe kind, described in one place: what it is called, what it needs (a registry, its own
 * settings as a zod schema), how the management form asks for those settings, which alert kinds mean
 * something for it, and how it runs. The config schema, the target service, the form, the actions
 * and the alert evaluator all read these specs (./index.ts), so a new kind is one new file here and
 * one line in the index.
 */
import type { z } from "zod";
import type { ProbeContext } from "../context";
import type { AlertKind, ProbeOutcome, ProbeTargetSpec } from "../types";

type KindOutcome = Omit<ProbeOutcome, "latencyMs">;

/** One setting in the "Add a probe" form; `name` is the param it sets. */
export interface FormField {
  name: string;
  label: string;
  placeholder?: string;
  /** "environments": environment names, comma-separated, stored as a list */
  input?: "text" | "url" | "environments";
}

export interface ProbeKindSpec<K extends string = string, S extends z.ZodObject = z.ZodObject> {
  kind: K;
  label: string;
  /**
   * "required": it probes one registry; "never": it names its registries another way (environments);
   * "or-url": a registry, or its `url` setting instead.
   */
  registry: "required" | "never" | "or-url";
  /**
   * Its own settings: beside name/kind/registry in dockmaster.yaml, stored as ProbeTarget.params.
   * A strict object; `.describe(why)` on a required field is shown when the field is missing.
   */
  params: S;
  form: readonly FormField[];
  /** alert kinds that apply to its probes when a rule names no target */
  alerts: readonly AlertKind[];
  /** Measures once; may throw (the runner classifies the error). `params` are parsed by `params`. */
  run(target: ProbeTargetSpec, params: z.output<S>, ctx: ProbeContext): Promise<KindOutcome>;
}

export function defineProbeKind<const K extends string, S extends z.ZodObject>(spec: ProbeKindSpec<K, S>): ProbeKindSpec<K, S> {
  return spec;
}
