import { defineConfig } from "@playwright/test";
import base from "../playwright.config";

/**
 * `npm run screenshots`: the README's screenshots (docs/screenshots/*.png), taken by
 * scripts/screenshots.spec.ts on an app of its own — apart from the e2e suite, so an e2e run does
 * not rewrite the images.
 */
export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "screenshots.spec.ts",
  globalSetup: undefined,
  outputDir: "../test-results/screenshots",
});
