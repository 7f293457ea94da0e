import { getRuntime } from "./runtime";

// Imported only by instrumentation.ts in the Node.js runtime: a failed boot ends the process.
try {
  const runtime = await getRuntime();
  const { startProbeScheduler } = await import("./probe/service");
  await startProbeScheduler(runtime);
} catch (err) {
  console.error(`[dockmaster] start-up failed:\n${(err as Error).message}`);
  process.exit(1);
}
