import { TRIVY_REPORT_ARTIFACT_TYPE } from "@/lib/scan/referrers";

/**
 * What to do when an artifact has no scan report: the two commands that attach a Trivy JSON report
 * as an OCI referrer, which Dockmaster reads (lib/scan/referrers.ts accepts any JSON artifact type
 * naming trivy; this one is Trivy's own).
 */
export function AttachTrivyHelp({ registry, reference }: { registry: string; reference: string }) {
  return (
    <div className="space-y-2 text-left" data-testid="attach-trivy-help">
      <p>
        Not scanned: {registry} has no vulnerability report for this artifact. Either its registry scanner (Harbor, ECR) has not scanned it yet, or attach a Trivy report to it as an OCI
        referrer:
      </p>
      <pre className="overflow-x-auto rounded bg-slate-100 p-3 font-mono text-xs text-slate-800">
        {`trivy image --format json --output report.json ${reference}\noras attach --artifact-type ${TRIVY_REPORT_ARTIFACT_TYPE} ${reference} report.json:application/json`}
      </pre>
      <p>This page reads the registry live, so the report shows on the next visit; gates and the scan overview see it after the next sync.</p>
    </div>
  );
}
