import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The app's own runtime (lib/runtime.ts) on a fresh embedded database in a temp dir of its own, with
 * no dockmaster.yaml: what tests need that call server actions and route handlers in-process. The
 * caller removes `dir` afterwards.
 */
export async function openEmbeddedRuntime(prefix: string, env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  process.env.DOCKMASTER_DATA_DIR = dir;
  process.env.DOCKMASTER_CONFIG = path.join(dir, "absent.yaml");
  process.env.NEXTAUTH_SECRET = "test-secret";
  Object.assign(process.env, env);
  delete process.env.DATABASE_URL;
  const { getPrisma } = await import("@/lib/runtime");
  return { dir, prisma: await getPrisma() };
}

/** Closes what openEmbeddedRuntime opened and removes its directory (none when opening failed before it was made). */
export async function closeEmbeddedRuntime(dir: string | undefined): Promise<void> {
  const { getRuntime } = await import("@/lib/runtime");
  await (await getRuntime()).db.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}
