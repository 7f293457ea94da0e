import type { Environment, PrismaClient, Registry } from "@/lib/db/generated/client";
import type { RegistryProvider } from "@/lib/registry";
import type { SignatureTrust, SignatureVerifiers } from "@/lib/signature/discover";
import type { GroupDirectory } from "./approval-policy";
import type { ScanLookup } from "./gates";

/** What the promotion services need from the outside world; tests pass their own. */
export interface PromotionDeps {
  prisma: PrismaClient;
  environment(name: string): Promise<{ env: Environment & { registry: Registry }; provider: RegistryProvider } | null>;
  scans: ScanLookup;
  /** each environment's signature trust, loaded from dockmaster.yaml at start-up; verifiers of non-cosign formats */
  signatures?: { trust(environment: string): SignatureTrust | undefined; verifiers: SignatureVerifiers };
  /** starts executing an approved promotion; the default runs it in this process, in the background */
  schedule(promotionId: string): void;
  /** who belongs to an approval group; default: dockmaster.yaml members plus those added in the UI */
  groups?: GroupDirectory;
  /** the clock change windows and scan ages are read against; default: the system clock */
  now?: () => Date;
  /** how often copy progress is written to the database */
  progressIntervalMs?: number;
}
