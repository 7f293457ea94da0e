// ESLint: typescript-eslint's recommended rules plus Next.js's (core web vitals, React, hooks,
// jsx-a11y). `npm test` runs it with --max-warnings 0, so a warning fails the run like an error.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores([".next/**", ".next-*/**", "test-results/**", "playwright-report/**", "data/**", "lib/db/generated/**", "lib/registry/harbor/generated/**", "next-env.d.ts"]),
  ...nextVitals,
  ...tseslint.configs.recommended,
  {
    // Playwright fixtures receive a callback named `use`; it is not React's use() hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a signature, a destructured rest).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
]);
