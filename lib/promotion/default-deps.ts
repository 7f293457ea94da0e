import { environmentProvider } from "@/lib/browse/lookup";
import { getPrisma } from "@/lib/runtime";
import type { PromotionDeps } from "./deps";
import { runPromotion } from "./execute";
import { scanLookup } from "./scan-gate";

/** The app's wiring: live providers from the database, execution in the background of this process. */
export async function promotionDeps(): Promise<PromotionDeps> {
  const prisma = await getPrisma();
  const deps: PromotionDeps = {
    prisma,
    environment: (name) => environmentProvider(prisma, name),
    scans: scanLookup,
    schedule(id) {
      void runPromotion(deps, id).catch((err) => console.error(`[promotion ${id}] runner crashed:`, err));
    },
  };
  return deps;
}
