/**
 * Swagger 2.0 → OpenAPI 3.0, only as far as Harbor's v2.0 swagger needs: openapi-typescript 7 reads
 * OpenAPI 3 only, and the simulator tests validate responses with one OpenAPI 3 validator for every
 * spec. Covered: definitions/parameters/responses → components, `$ref` rewriting, body parameters →
 * requestBody, response `schema` → `content`, `x-nullable` → `nullable`, `type: file` → binary.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const REF_PREFIXES: Array<[string, string]> = [
  ["#/definitions/", "#/components/schemas/"],
  ["#/parameters/", "#/components/parameters/"],
  ["#/responses/", "#/components/responses/"],
];

function rewriteRef(ref: string): string {
  for (const [from, to] of REF_PREFIXES) if (ref.startsWith(from)) return to + ref.slice(from.length);
  return ref;
}

/** Schema objects: refs rewritten, swagger-only keywords mapped to their OpenAPI 3 spelling. */
function convertSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(convertSchema);
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "$ref" && typeof v === "string") out.$ref = rewriteRef(v);
    else if (k === "x-nullable" || k === "x-isnullable") {
      if (v === true) out.nullable = true;
    } else if (k === "type" && v === "file") {
      out.type = "string";
      out.format = "binary";
    } else if (k === "properties" && isObj(v)) {
      out.properties = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, convertSchema(s)]));
    } else if (k === "example" || k === "examples") {
      out[k] = v;
    } else out[k] = convertSchema(v);
  }
  // a $ref with siblings is the ref alone in OpenAPI 3.0; keep nullable by wrapping
  if (typeof out.$ref === "string" && Object.keys(out).some((k) => k !== "$ref" && k !== "description")) {
    const { $ref, nullable, description } = out;
    return { ...(description !== undefined ? { description } : {}), ...(nullable ? { nullable: true } : {}), allOf: [{ $ref }] };
  }
  return out;
}

const SCHEMA_KEYS = ["type", "format", "items", "enum", "default", "minimum", "maximum", "minLength", "maxLength", "pattern", "collectionFormat"];

function convertParameter(p: Json): Json {
  if (!isObj(p)) return p;
  if (typeof p.$ref === "string") return { $ref: rewriteRef(p.$ref) };
  const schema: Obj = {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === "collectionFormat") continue;
    if (SCHEMA_KEYS.includes(k)) schema[k] = convertSchema(v);
    else if (k === "x-nullable") continue;
    else out[k] = v;
  }
  return { ...out, schema };
}

function convertResponse(r: Json, produces: string[]): Json {
  if (!isObj(r)) return r;
  if (typeof r.$ref === "string") return { $ref: rewriteRef(r.$ref) };
  const out: Obj = { description: typeof r.description === "string" ? r.description : "" };
  if (isObj(r.headers)) {
    out.headers = Object.fromEntries(
      Object.entries(r.headers).map(([name, h]) => {
        const { description, ...schema } = isObj(h) ? h : {};
        return [name, { ...(typeof description === "string" ? { description } : {}), schema: convertSchema(schema) }];
      }),
    );
  }
  if (r.schema !== undefined) {
    out.content = Object.fromEntries(produces.map((m) => [m, { schema: convertSchema(r.schema ?? null) }]));
  }
  return out;
}

function convertOperation(op: Obj, produces: string[], consumes: string[], sharedParams: Json[]): Obj {
  const out: Obj = {};
  const opProduces = Array.isArray(op.produces) ? (op.produces as string[]) : produces;
  const opConsumes = Array.isArray(op.consumes) ? (op.consumes as string[]) : consumes;
  const params: Json[] = [];
  for (const raw of [...sharedParams, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
    if (isObj(raw) && raw.in === "body") {
      out.requestBody = {
        required: raw.required === true,
        content: Object.fromEntries(opConsumes.map((m) => [m, { schema: convertSchema(raw.schema ?? {}) }])),
      };
    } else if (isObj(raw) && raw.in === "formData") {
      out.requestBody = { content: { "multipart/form-data": { schema: { type: "object" } } } };
    } else params.push(convertParameter(raw));
  }
  for (const [k, v] of Object.entries(op)) {
    if (["parameters", "responses", "produces", "consumes", "schemes"].includes(k)) continue;
    out[k] = v;
  }
  if (params.length) out.parameters = params;
  out.responses = Object.fromEntries(Object.entries(isObj(op.responses) ? op.responses : {}).map(([s, r]) => [s, convertResponse(r, opProduces)]));
  return out;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

export function swagger2ToOpenapi3(doc: Obj): Obj {
  if (doc.swagger !== "2.0") throw new Error(`expected a Swagger 2.0 document, got swagger=${JSON.stringify(doc.swagger)}`);
  const produces = Array.isArray(doc.produces) ? (doc.produces as string[]) : ["application/json"];
  const consumes = Array.isArray(doc.consumes) ? (doc.consumes as string[]) : ["application/json"];
  const scheme = Array.isArray(doc.schemes) && doc.schemes.includes("https") ? "https" : "http";
  const paths: Obj = {};
  for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!isObj(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    const converted: Obj = {};
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method) && isObj(op)) converted[method] = convertOperation(op, produces, consumes, shared);
    }
    paths[path] = converted;
  }
  const components: Obj = {
    schemas: Object.fromEntries(Object.entries(isObj(doc.definitions) ? doc.definitions : {}).map(([n, s]) => [n, convertSchema(s)])),
    parameters: Object.fromEntries(
      Object.entries(isObj(doc.parameters) ? doc.parameters : {})
        .filter(([, p]) => isObj(p) && p.in !== "body")
        .map(([n, p]) => [n, convertParameter(p)]),
    ),
    responses: Object.fromEntries(Object.entries(isObj(doc.responses) ? doc.responses : {}).map(([n, r]) => [n, convertResponse(r, produces)])),
  };
  if (isObj(doc.securityDefinitions)) {
    components.securitySchemes = Object.fromEntries(
      Object.entries(doc.securityDefinitions).map(([n, s]) => [n, isObj(s) && s.type === "basic" ? { type: "http", scheme: "basic" } : s]),
    );
  }
  return {
    openapi: "3.0.3",
    info: doc.info ?? { title: "converted", version: "0" },
    servers: [{ url: `${scheme}://${String(doc.host ?? "localhost")}${String(doc.basePath ?? "")}` }],
    ...(doc.security ? { security: doc.security } : {}),
    paths,
    components,
  };
}
