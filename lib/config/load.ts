import { readFile } from "node:fs/promises";
import path from "node:path";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { configSchema, envRefName, type DockmasterConfig } from "./schema";

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function configPath(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.DOCKMASTER_CONFIG ?? "dockmaster.yaml");
}

type Path = readonly PropertyKey[];
type Env = Record<string, string | undefined>;

/** Finds the line of the deepest node that exists along path, so "missing field" points at its parent. */
function lineOf(doc: Document, counter: LineCounter, p: Path): number | undefined {
  for (let n = p.length; n >= 0; n--) {
    const node = doc.getIn(p.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function where(p: Path): string {
  return p.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, "") || "(top level)";
}

/** Every ${VAR} the config refers to must be set, or start-up stops naming the field. */
function checkEnvRefs(value: unknown, p: PropertyKey[], missing: { path: PropertyKey[]; name: string }[], env: Env) {
  if (typeof value === "string") {
    const name = envRefName(value);
    if (name && env[name] === undefined) missing.push({ path: p, name });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkEnvRefs(v, [...p, i], missing, env));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkEnvRefs(v, [...p, k], missing, env);
  }
}

/**
 * Parses and validates config text. Errors name file:line and the field. `schema` is the config's own
 * (registries, environments) unless a caller above adds sections (lib/app-config.ts adds probes).
 */
export function parseConfig<T = DockmasterConfig>(text: string, file = "dockmaster.yaml", env: Env = process.env, schema: z.ZodType<T> = configSchema as unknown as z.ZodType<T>): T {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? "?"}: YAML syntax: ${e.message.split("\n")[0]}`),
    );
  }
  const raw = doc.toJS() ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => {
        // An unknown key is best shown on its own line rather than its parent's.
        const at = i.code === "unrecognized_keys" && i.keys[0] ? [...i.path, i.keys[0]] : i.path;
        return `${file}:${lineOf(doc, counter, at) ?? "?"}: ${where(i.path)}: ${i.message}`;
      }),
    );
  }
  const missing: { path: PropertyKey[]; name: string }[] = [];
  checkEnvRefs(raw, [], missing, env);
  if (missing.length > 0) {
    throw new ConfigError(
      file,
      missing.map((m) => `${file}:${lineOf(doc, counter, m.path) ?? "?"}: ${where(m.path)}: environment variable ${m.name} is not set`),
    );
  }
  return parsed.data;
}

/** Loads the config file; a missing file is an empty config (registries can be added in the UI). */
export async function loadConfig<T = DockmasterConfig>(file = configPath(), env: Env = process.env, schema: z.ZodType<T> = configSchema as unknown as z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(/* turbopackIgnore: true */ file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return schema.parse({});
    throw new ConfigError(file, [`cannot read: ${(err as Error).message}`]);
  }
  return parseConfig(text, file, env, schema);
}
