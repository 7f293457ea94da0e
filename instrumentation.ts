/** Boots Dockmaster when the server starts, so a bad config or database fails fast instead of on the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before anything logs: every console line of this process is sanitized (lib/log.ts).
  (await import("./lib/log")).installLogSanitizer();
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  await import("./lib/boot-on-start");
}
