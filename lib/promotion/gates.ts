import type { GateConfig } from "@/lib/config/schema";
import { describeRegistryError, type RegistryProvider } from "@/lib/registry";
import { describeApplied, type AppliedException, type ExceptionRule } from "@/lib/exceptions/apply";
import { CLOCK_SKEW_MS, SCAN_ORIGINS, type ScanEvidence, type ScanOrigin } from "@/lib/scan/evidence";
import type { SignatureTrust, SignatureVerifiers } from "@/lib/signature/discover";
import type { SignatureVerdict } from "@/lib/signature/types";
import { evaluateSignatureGate } from "./signature-gate";

export type GateStatus = "pass" | "fail";

export interface GateResult {
  id: "source-present" | "target-tag" | "scan-report" | "scan-findings" | "scan-age" | "fixable-critical" | "signature";
  label: string;
  status: GateStatus;
  detail: string;
  /** scan-report: every report found, with its source and why it was used or not */
  reports?: ScanEvidence[];
  /** signature: every signature found, with why it counted or not */
  signatures?: SignatureVerdict[];
  /** scan-findings, fixable-critical: the CVE exceptions that accepted findings (kept in the promotion's evidence) */
  exceptions?: AppliedException[];
}

/** What a scan says about one digest, in the normalized form lib/scan produces. */
export interface ScanSummary {
  critical: number;
  high: number;
  medium: number;
  fixableCritical: number;
  scannedAt: string;
  scanner: string;
  origin: ScanOrigin;
  /** the counts above leave out findings these exceptions accepted */
  accepted?: AppliedException[];
}

/** The report that decides the scan gates (null: none may), and every report found. */
export interface ScanLookupResult {
  summary: ScanSummary | null;
  evidence: ScanEvidence[];
}

/** The active CVE exception ledger and where the image sits in it (see lib/exceptions). */
export interface GateExceptions {
  rules: readonly ExceptionRule[];
  /** the source registry's name: digest and repository scopes name it */
  registry: string;
}

export type ScanLookup = (
  provider: RegistryProvider,
  repository: string,
  digest: string,
  options: { origins: readonly ScanOrigin[]; now: Date; exceptions?: GateExceptions & { environment: string } },
) => Promise<ScanLookupResult>;

export interface GateInput {
  policy: GateConfig;
  /** a digest the caller has just resolved on the source registry */
  source: { provider: RegistryProvider; repository: string; digest: string };
  target: { provider: RegistryProvider; repository: string; tag: string; environment: string };
  /** digest the target tag holds now, or null when the tag is new (looked up by the caller) */
  currentTargetDigest: string | null;
  scans: ScanLookup;
  /** the target environment's signature trust (loaded at start-up) and the verifiers of non-cosign formats */
  signatures?: { trust: SignatureTrust | undefined; verifiers: SignatureVerifiers };
  exceptions?: GateExceptions;
  now?: Date;
}

const needsScan = (p: GateConfig) => !!(p.maxFindings || p.noFixableCritical || p.maxScanAgeDays);

/**
 * Evaluates every gate of the target environment. Gates that the policy does not ask for are not
 * listed; a gate that cannot be evaluated (registry error, no scan) fails, stating why.
 */
export async function evaluateGates(input: GateInput): Promise<GateResult[]> {
  const { policy, source, target } = input;
  const results: GateResult[] = [];

  // The caller resolved the reference on the source registry just now and refuses a missing one
  // (404), so the digest is there: recorded as a gate, not read a second time.
  results.push({ id: "source-present", label: "Source digest present", status: "pass", detail: `${source.repository}@${source.digest} exists on ${source.provider.host}` });

  if (policy.immutableTags) {
    const taken = input.currentTargetDigest && input.currentTargetDigest !== source.digest;
    results.push({
      id: "target-tag",
      label: "Target tag not immutable-and-taken",
      status: taken ? "fail" : "pass",
      detail: taken
        ? `tags in ${target.environment} are immutable and ${target.repository}:${target.tag} already points at ${input.currentTargetDigest}`
        : input.currentTargetDigest
          ? `${target.repository}:${target.tag} already points at this digest`
          : `${target.repository}:${target.tag} is a new tag`,
    });
  }

  if (needsScan(policy)) {
    const now = input.now ?? new Date();
    const origins = policy.scanSources ?? SCAN_ORIGINS;
    let scan: ScanSummary | null = null;
    let evidence: ScanEvidence[] = [];
    let scanError: string | null = null;
    try {
      ({ summary: scan, evidence } = await input.scans(source.provider, source.repository, source.digest, { origins, now, exceptions: input.exceptions && { ...input.exceptions, environment: target.environment } }));
    } catch (err) {
      scanError = describeRegistryError(err).message;
    }
    const missing = scanError ? `could not read the scan: ${scanError}` : "no vulnerability scan report was found for this digest";
    const ignored = evidence.filter((e) => !e.used).length;
    const accepted = scan?.accepted?.length ? { detail: ` — ${scan.accepted.map(describeApplied).join("; ")}`, exceptions: scan.accepted } : { detail: "" };
    results.push({
      id: "scan-report",
      label: `Scan report (${origins.join(" or ")})`,
      status: scan ? "pass" : "fail",
      detail: scan
        ? `using ${scan.scanner} (${scan.origin === "registry" ? "the registry's own scanner" : "attached as a referrer"})${ignored ? `; ${ignored} other report(s) not used` : ""}`
        : evidence.length
          ? `none of the ${evidence.length} report(s) found may count`
          : missing,
      reports: evidence,
    });
    if (policy.maxFindings) {
      const limits = policy.maxFindings;
      const over = scan ? (["critical", "high", "medium"] as const).filter((s) => limits[s] !== undefined && scan![s] > limits[s]!) : [];
      results.push({
        id: "scan-findings",
        label: `Findings within limits (${Object.entries(limits).map(([k, v]) => `${k} ≤ ${v}`).join(", ")})`,
        status: scan && over.length === 0 ? "pass" : "fail",
        detail: !scan ? missing : `critical ${scan.critical}, high ${scan.high}, medium ${scan.medium}${over.length ? ` — over the limit: ${over.join(", ")}` : ""} (${scan.scanner})${accepted.detail}`,
        ...(accepted.exceptions ? { exceptions: accepted.exceptions } : {}),
      });
    }
    if (policy.noFixableCritical) {
      results.push({
        id: "fixable-critical",
        label: "No fixable critical vulnerability",
        status: scan && scan.fixableCritical === 0 ? "pass" : "fail",
        detail: !scan ? missing : `${scan.fixableCritical} critical finding(s) have a fixed version available${accepted.detail}`,
        ...(accepted.exceptions ? { exceptions: accepted.exceptions } : {}),
      });
    }
    if (policy.maxScanAgeDays) {
      const scannedAt = scan?.scannedAt ? Date.parse(scan.scannedAt) : NaN;
      const ageMs = now.getTime() - scannedAt;
      const ageDays = ageMs / 86_400_000;
      // a scan "from the future" is a wrong clock or a forged date: it proves nothing about freshness
      const future = ageMs < -CLOCK_SKEW_MS;
      results.push({
        id: "scan-age",
        label: `Scan not older than ${policy.maxScanAgeDays} days`,
        status: !future && ageDays <= policy.maxScanAgeDays ? "pass" : "fail",
        detail: !scan
          ? missing
          : Number.isNaN(scannedAt)
            ? "the scan report does not say when it was made"
            : future
              ? `the scan report is dated ${scan.scannedAt}, in the future`
              : `scanned ${scan.scannedAt} (${Math.max(0, ageDays).toFixed(1)} days ago)`,
      });
    }
  }

  // declared in the policy, or trust loaded for the environment: either way the gate is evaluated
  if (policy.signature || input.signatures?.trust) {
    results.push(
      await evaluateSignatureGate({
        source,
        environment: target.environment,
        signatures: input.signatures,
        now: input.now ?? new Date(),
      }),
    );
  }
  return results;
}
