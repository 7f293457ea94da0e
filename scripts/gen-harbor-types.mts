/**
 * `npm run gen:harbor`: TypeScript types for Harbor's REST API and for the vulnerability report its
 * scanners produce, generated from the vendored specs (test/sim/specs) so the Harbor provider never
 * hand-writes API shapes. See openapi/harbor-types.ts.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { HARBOR_TYPES_DIR, harborTypeSources } from "./openapi/harbor-types.ts";

const root = path.resolve(import.meta.dirname, "..");
const specs = process.env.DOCKMASTER_SPECS_DIR ?? path.join(root, "test/sim/specs");
for (const { file, text } of await harborTypeSources(specs)) {
  writeFileSync(path.join(root, HARBOR_TYPES_DIR, file), text);
  console.log(`wrote ${HARBOR_TYPES_DIR}/${file}`);
}
