import type { StorageQuota } from "../capabilities";
import { topNamespace } from "../namespace";
import { expectObject, type JsonApi } from "../transport/json-api";
import type { HarborProjectSummary } from "./types";

/**
 * The storage quota of the project holding `namespace`, from the project's summary. Harbor answers -1
 * as the hard limit when there is none, and leaves `quota` out of the summary when the account may not
 * read it: that is "unknown", never "unlimited".
 */
export async function projectQuota(api: JsonApi, namespace: string): Promise<StorageQuota> {
  const project = topNamespace(namespace);
  const res = await api.call<unknown>({ path: `/projects/${encodeURIComponent(project)}/summary`, what: `summary of project ${project}` });
  const quota = expectObject<HarborProjectSummary>(api, res.data, `summary of project ${project}`).quota;
  const hard = quota?.hard?.storage;
  const used = quota?.used?.storage;
  if (hard === undefined || hard === null) {
    return { kind: "unknown", reason: `Harbor does not show this account the quota of project ${project} (reading quotas needs a project admin or a system role)` };
  }
  if (hard < 0) return { kind: "unlimited", ...(typeof used === "number" ? { usedBytes: used } : {}) };
  return { kind: "limited", usedBytes: used ?? 0, limitBytes: hard };
}
