import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HARBOR_TYPES_DIR, harborTypeSources } from "../../scripts/openapi/harbor-types";
import { SPECS_DIR } from "../sim/spec/specs";

describe("generated Harbor types", () => {
  it("are exactly what `npm run gen:harbor` makes of the vendored specs", async () => {
    const sources = await harborTypeSources(SPECS_DIR);
    expect(sources.map((s) => s.file)).toEqual(["harbor-v2.ts", "scanner-v1.1.ts"]);
    for (const { file, text } of sources) {
      expect(readFileSync(path.resolve(HARBOR_TYPES_DIR, file), "utf8"), `${file} is stale: run npm run gen:harbor`).toBe(text);
    }
    // the swagger's Artifact really made it into the types
    expect(sources[0]!.text).toMatch(/Artifact: \{[^}]*push_time\?: string;/s);
  });
});
