import { environmentProvider } from "@/lib/browse/lookup";
import { getRuntime } from "@/lib/runtime";
import { defaultVerifiers } from "@/lib/signature/default-verifiers";
import type { PromotionDeps } from "./deps";
import { runPromotion } from "./execute";
import { scanLookup } from "./scan-gate";

/** The app's wiring: live providers from the database, execution in the background of this process. */
export async function promotionDeps(): Promise<PromotionDeps> {
  const runtime = await getRuntime();
  const prisma = runtime.db.prisma;
  const deps: PromotionDeps = {
    prisma,
    environment: (name) => environmentProvider(prisma, name),
    scans: scanLookup,
    signatures: { trust: (name) => runtime.config.signatureTrust.get(name), verifiers: defaultVerifiers },
    schedule(id) {
      void runPromotion(deps, id).catch((err) => console.error(`[promotion ${id}] runner crashed:`, err));
    },
  };
  return deps;
}
