import { environmentProvider } from "@/lib/browse/lookup";
import { getPrisma } from "@/lib/runtime";
import type { PromotionDeps } from "./deps";
import { runPromotion } from "./execute";
import type { ScanLookup } from "./gates";

/** No scan source is wired for plain registries yet: scan gates then fail with "no scan report found". */
const noScans: ScanLookup = async () => null;

/** The app's wiring: live providers from the database, execution in the background of this process. */
export async function promotionDeps(): Promise<PromotionDeps> {
  const prisma = await getPrisma();
  const deps: PromotionDeps = {
    prisma,
    environment: (name) => environmentProvider(prisma, name),
    scans: noScans,
    schedule(id) {
      void runPromotion(deps, id).catch((err) => console.error(`[promotion ${id}] runner crashed:`, err));
    },
  };
  return deps;
}
