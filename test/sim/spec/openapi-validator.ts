/**
 * Validates simulator responses against an OpenAPI 3.0 document (Harbor's swagger goes through
 * scripts/openapi/swagger2-to-openapi3.ts first). A response is matched to its operation by method and
 * path template; its status must be documented, and its JSON body must satisfy the documented schema.
 *
 * Stricter than the spec on one point, on purpose: objects that list `properties` reject properties
 * they do not list (unless the spec says otherwise with `additionalProperties`), so a simulator cannot
 * drift from the spec by inventing or misspelling a field. JSON Schema 2019-09 `unevaluatedProperties`
 * does this, because it also sees through `allOf` compositions (Hub's paginated lists).
 */
import Ajv2019, { type ValidateFunction } from "ajv/dist/2019";
import addFormats from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ResponseToCheck {
  method: string;
  /** pathname as sent on the wire (still percent-encoded), without the spec's base path */
  path: string;
  status: number;
  contentType?: string;
  body: Buffer;
}

export interface CheckResult {
  operationId?: string;
  /** empty when the response matches the spec */
  problems: string[];
}

interface Operation {
  method: string;
  template: string;
  segments: string[];
  operationId?: string;
  responses: Obj;
}

export interface OpenapiValidatorOptions {
  /** a label for messages, e.g. "harbor v2.0 swagger" */
  name: string;
  /** strip this prefix from request paths before matching (e.g. "/api/v2.0") */
  basePath?: string;
  /**
   * Operations whose documented schema does not describe the real body (documented per use), checked
   * by this function instead; it returns problems.
   */
  bodyOverrides?: Record<string, (body: unknown) => string[]>;
}

/** OpenAPI 3.0 Schema Object → JSON Schema 2019-09 (nullable, strict objects, absolute refs). */
function toJsonSchema(schema: Json, refBase: string, composed: Set<string>, name?: string, part = false): Json {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, refBase, composed));
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  const composition = Array.isArray(schema.allOf) && schema.allOf.length > 1;
  for (const [k, v] of Object.entries(schema)) {
    if (k === "$ref" && typeof v === "string") out.$ref = v.startsWith("#") ? `${refBase}${v}` : v;
    // parts of a composition are checked as a whole by the composing schema
    else if (k === "allOf" && composition && Array.isArray(v)) out.allOf = v.map((s) => toJsonSchema(s, refBase, composed, undefined, true));
    else if (k === "properties" && isObj(v)) out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s, refBase, composed)]));
    else if (k === "example" || k === "examples" || k === "nullable" || k === "discriminator" || k === "xml" || k === "externalDocs" || k.startsWith("x-")) continue;
    else if (k === "enum" && Array.isArray(v)) out.enum = v;
    else out[k] = toJsonSchema(v, refBase, composed);
  }
  // OpenAPI 3.0: a $ref ignores its siblings
  if (typeof out.$ref === "string") return { $ref: out.$ref };

  const strict = isObj(out.properties) && out.additionalProperties === undefined && !part && !(name && composed.has(name));
  if (strict) out.unevaluatedProperties = false;
  if (Array.isArray(out.allOf) && out.allOf.length > 1 && out.additionalProperties === undefined) out.unevaluatedProperties = false;

  if (schema.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

/** Names of schemas used as parts of a real composition (allOf with several parts). */
function composedParts(schemas: Obj): Set<string> {
  const names = new Set<string>();
  const visit = (s: Json) => {
    if (Array.isArray(s)) return s.forEach(visit);
    if (!isObj(s)) return;
    if (Array.isArray(s.allOf) && s.allOf.length > 1) {
      for (const part of s.allOf) {
        if (isObj(part) && typeof part.$ref === "string") names.add(part.$ref.split("/").at(-1)!);
      }
    }
    Object.values(s).forEach(visit);
  };
  visit(schemas);
  return names;
}

function resolveLocal(doc: Obj, value: Json): Json {
  let current = value;
  for (let depth = 0; isObj(current) && typeof current.$ref === "string" && depth < 10; depth++) {
    const parts = current.$ref.replace(/^#\//, "").split("/");
    let target: Json = doc;
    for (const p of parts) target = isObj(target) ? (target[p] ?? null) : null;
    current = target;
  }
  return current;
}

export function createOpenapiValidator(doc: Obj, options: OpenapiValidatorOptions) {
  const refBase = `urn:spec:${options.name.replace(/[^a-z0-9]+/gi, "-")}`;
  const components = isObj(doc.components) ? doc.components : {};
  const schemas = isObj(components.schemas) ? components.schemas : {};
  const composed = composedParts(schemas);

  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // integer widths and similar annotations carry no constraint we rely on
  for (const f of ["int", "int8", "int16", "uint64", "uint32", "string"]) ajv.addFormat(f, true);
  ajv.addSchema({
    $id: refBase,
    components: { schemas: Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, toJsonSchema(s, refBase, composed, n)])) },
  });

  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!isObj(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isObj(op) || !isObj(op.responses)) continue;
      operations.push({
        method: method.toUpperCase(),
        template,
        segments: template.split("/"),
        ...(typeof op.operationId === "string" ? { operationId: op.operationId } : {}),
        responses: op.responses,
      });
    }
  }

  const compiled = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Json): ValidateFunction => {
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile(toJsonSchema(schema, refBase, composed) as object);
      compiled.set(key, fn);
    }
    return fn;
  };

  function match(method: string, path: string): Operation | undefined {
    const segments = path.split("/");
    const candidates = operations.filter(
      (op) => op.method === method && op.segments.length === segments.length && op.segments.every((s, i) => (s.startsWith("{") && s.endsWith("}") ? segments[i] !== "" : s === segments[i])),
    );
    // the most literal template wins (/projects/{p}/summary over /projects/{p}/{x})
    const literal = (op: Operation) => op.segments.filter((s) => !s.startsWith("{")).length;
    return candidates.sort((a, b) => literal(b) - literal(a))[0];
  }

  function check(res: ResponseToCheck): CheckResult {
    let path = res.path.split("?")[0]!;
    if (options.basePath) {
      if (!path.startsWith(options.basePath)) return { problems: [`${res.method} ${path}: outside the spec's base path ${options.basePath}`] };
      path = path.slice(options.basePath.length) || "/";
    }
    const op = match(res.method, path);
    const where = `${res.method} ${path} → ${res.status}`;
    if (!op) return { problems: [`${where}: no operation in ${options.name} matches this method and path`] };
    const id = op.operationId;
    const declared = op.responses[String(res.status)] ?? op.responses[`${String(res.status)[0]}XX`] ?? op.responses.default;
    if (declared === undefined) {
      return { ...(id ? { operationId: id } : {}), problems: [`${where} (${id}): status ${res.status} is not documented for this operation`] };
    }
    const response = resolveLocal(doc, declared);
    const content = isObj(response) && isObj(response.content) ? response.content : undefined;
    const text = res.body.toString("utf8");
    const result = (problems: string[]): CheckResult => ({ ...(id ? { operationId: id } : {}), problems: problems.map((p) => `${where} (${id}): ${p}`) });

    if (res.method === "HEAD" || res.status === 204) return result(text.length ? ["a body was sent where none is allowed"] : []);
    if (id && options.bodyOverrides?.[id]) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        return result([`body is not JSON: ${(err as Error).message}`]);
      }
      return result(options.bodyOverrides[id](parsed));
    }
    if (!content) return result(text.trim().length && text.trim() !== "{}" ? [`the spec documents no body, but one was sent: ${text.slice(0, 80)}`] : []);
    const mediaType = (res.contentType ?? "").split(";")[0]!.trim();
    const entry = content[mediaType] ?? (mediaType.endsWith("json") ? content["application/json"] : undefined);
    if (!isObj(entry)) return result([`Content-Type "${mediaType}" is not documented (documented: ${Object.keys(content).join(", ")})`]);
    if (entry.schema === undefined) return result([]);

    let body: unknown = text;
    if (mediaType.endsWith("json")) {
      try {
        body = JSON.parse(text);
      } catch (err) {
        return result([`body is not JSON: ${(err as Error).message}`]);
      }
    }
    const validate = compile(`${op.method} ${op.template} ${res.status} ${mediaType}`, entry.schema);
    if (validate(body)) return result([]);
    return result((validate.errors ?? []).map((e) => `body${e.instancePath || ""} ${e.message ?? "is invalid"}${e.params && "unevaluatedProperty" in e.params ? ` (${String(e.params.unevaluatedProperty)})` : ""}`));
  }

  /** Validates a value against a named component schema (for bodies the spec types loosely). */
  function checkSchema(name: string, value: unknown): string[] {
    if (!(name in schemas)) return [`${options.name} has no schema ${name}`];
    const validate = compile(`#schema ${name}`, { $ref: `#/components/schemas/${name}` });
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${name}${e.instancePath || ""} ${e.message ?? "is invalid"}${e.params && "unevaluatedProperty" in e.params ? ` (${String(e.params.unevaluatedProperty)})` : ""}`);
  }

  return { check, checkSchema, operationCount: operations.length };
}

export type OpenapiValidator = ReturnType<typeof createOpenapiValidator>;
