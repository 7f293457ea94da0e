/**
 * The specifications the simulators are held to, loaded once per test process from the vendored
 * copies in test/sim/specs (see its README for provenance).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { swagger2ToOpenapi3 } from "../../../scripts/openapi/swagger2-to-openapi3";
import { createOpenapiValidator, type OpenapiValidator } from "./openapi-validator";
import { createSmithyValidator, type SmithyModel, type SmithyValidator } from "./smithy-validator";

// resolved from the working directory (the repository root for vitest and Playwright alike): Playwright
// compiles these files to CommonJS, where import.meta is not available
export const SPECS_DIR = process.env.DOCKMASTER_SPECS_DIR ?? path.resolve(process.cwd(), "test/sim/specs");

const readYaml = (file: string) => parse(readFileSync(path.join(SPECS_DIR, file), "utf8"));

export const VULNERABILITY_MIME_TYPES = [
  "application/vnd.security.vulnerability.report; version=1.1",
  "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0",
] as const;

let scanner: OpenapiValidator | undefined;
/** Harbor pluggable scanner spec v1.1: the vulnerability report body (HarborVulnerabilityReport). */
function scannerSpec(): OpenapiValidator {
  scanner ??= createOpenapiValidator(readYaml("scanner-adapter-openapi-v1.1.yaml"), { name: "harbor scanner adapter v1.1" });
  return scanner;
}

/**
 * Where Harbor's swagger is read as Harbor's own (go-swagger) code reads it rather than by its literal
 * JSON Schema meaning; applied before validation: `additionalProperties: {type: object}` is go-swagger
 * for map[string]interface{} (any JSON value), e.g. RetentionRule.params {"latestPushedK": 10}, ExtraAttrs.
 */
function anyValueMaps(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(anyValueMaps);
  if (typeof node !== "object" || node === null) return;
  const o = node as Record<string, unknown>;
  const ap = o.additionalProperties as Record<string, unknown> | undefined;
  if (ap && typeof ap === "object" && ap.type === "object" && !ap.properties && !ap.additionalProperties) o.additionalProperties = {};
  Object.values(o).forEach(anyValueMaps);
}

let harbor: OpenapiValidator | undefined;
/** Harbor v2.0 swagger (converted to OpenAPI 3), paths under /api/v2.0. */
export function harborSpec(): OpenapiValidator {
  if (harbor) return harbor;
  const doc = swagger2ToOpenapi3(readYaml("harbor-v2.0-swagger.yaml"));
  anyValueMaps(doc);
  harbor = createOpenapiValidator(doc, {
    name: "harbor v2.0 swagger",
    basePath: "/api/v2.0",
    bodyOverrides: {
      // The swagger types this body as `string` (the handler writes raw JSON). What Harbor actually sends
      // is an object with one key, the report's mime type, whose value is a HarborVulnerabilityReport
      // of the scanner spec; it is held to that schema instead.
      getVulnerabilitiesAddition: (body) => {
        if (typeof body !== "object" || body === null || Array.isArray(body)) return ["body must be an object keyed by report mime type"];
        const problems: string[] = [];
        for (const [mime, report] of Object.entries(body)) {
          if (!(VULNERABILITY_MIME_TYPES as readonly string[]).includes(mime)) problems.push(`unknown report mime type "${mime}"`);
          problems.push(...scannerSpec().checkSchema("HarborVulnerabilityReport", report));
        }
        return problems;
      },
    },
  });
  return harbor;
}

/**
 * Known errata of the Docker Hub spec, each a place where the published document contradicts what Hub
 * serves and what any client must accept. Kept few and explicit; everything else is validated as published.
 */
export const HUB_SPEC_ERRATA = [
  "components.schemas.tag.properties.images: the spec says one `image` object; Hub serves an array of them, one per platform",
  "components.schemas.tag: Hub also sends `digest` (what the tag points at), `media_type` (that manifest's media type) and `content_type` (\"image\"), which the spec leaves out",
  "paths: the spec documents no way to delete a tag; Hub's clients delete one with the legacy DELETE /v2/repositories/{namespace}/{repository}/tags/{tag}/ (204, no body; 401, 403 and 404 with the spec's error bodies), added here so the simulator's answers to it are still checked",
] as const;

let hub: OpenapiValidator | undefined;
export function hubSpec(): OpenapiValidator {
  if (!hub) {
    const doc = readYaml("dockerhub-api.yaml");
    doc.components.schemas.tag.properties.images = { type: "array", items: { $ref: "#/components/schemas/image" } };
    Object.assign(doc.components.schemas.tag.properties, { digest: { type: "string" }, media_type: { type: "string" }, content_type: { type: "string" } });
    doc.paths["/v2/repositories/{namespace}/{repository}/tags/{tag}/"] = {
      delete: {
        operationId: "LegacyDeleteRepositoryTag",
        responses: { "204": { description: "Tag deleted" }, "401": { $ref: "#/components/responses/Unauthorized" }, "403": { $ref: "#/components/responses/Forbidden" }, "404": { $ref: "#/components/responses/NotFound" } },
      },
    };
    hub = createOpenapiValidator(doc, { name: "docker hub api" });
  }
  return hub;
}

let ecr: SmithyValidator | undefined;
export function ecrSpec(): SmithyValidator {
  ecr ??= createSmithyValidator(JSON.parse(readFileSync(path.join(SPECS_DIR, "ecr-2015-09-21.subset.json"), "utf8")) as SmithyModel, "com.amazonaws.ecr");
  return ecr;
}
