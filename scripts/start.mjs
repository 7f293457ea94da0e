// `npm start`: builds the app once if there is no production build yet, then serves it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(`${process.env.DOCKMASTER_DIST_DIR || ".next"}/BUILD_ID`)) {
  console.log("[dockmaster] no production build yet: running `next build` (once; takes a minute or two)…");
  const t0 = Date.now();
  const res = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit" });
  if (res.status !== 0) process.exit(res.status ?? 1);
  console.log(`[dockmaster] built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
await import("./server.mjs");
