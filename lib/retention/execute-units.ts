/**
 * A plan's items as the registry calls that delete them: the tags of a manifest whose every tag is
 * planned go together (one delete by digest where the registry has it), a tag whose manifest stays
 * goes alone, an untagged manifest goes by digest. Repositories keep the plan's order, so a registry
 * error stops exactly one repository's remaining units.
 */
import type { RetentionItemOutcome, RetentionPlanItem } from "./types";

export type UnitKind = "manifest" | "tag" | "untagged";

export interface DeletionUnit {
  kind: UnitKind;
  repository: string;
  digest: string;
  /** positions in the plan's items */
  indexes: number[];
}

export function deletionUnits(items: readonly RetentionPlanItem[]): Map<string, DeletionUnit[]> {
  const byRepository = new Map<string, DeletionUnit[]>();
  const manifestUnits = new Map<string, DeletionUnit>();
  items.forEach((item, index) => {
    let units = byRepository.get(item.repository);
    if (!units) byRepository.set(item.repository, (units = []));
    if (item.tag === null) {
      units.push({ kind: "untagged", repository: item.repository, digest: item.digest, indexes: [index] });
    } else if (item.deletesManifest) {
      const key = `${item.repository}\u0000${item.digest}`;
      const unit = manifestUnits.get(key);
      if (unit) unit.indexes.push(index);
      else {
        const created: DeletionUnit = { kind: "manifest", repository: item.repository, digest: item.digest, indexes: [index] };
        manifestUnits.set(key, created);
        units.push(created);
      }
    } else {
      units.push({ kind: "tag", repository: item.repository, digest: item.digest, indexes: [index] });
    }
  });
  return byRepository;
}

export interface OutcomeCounts {
  deleted: number;
  skipped: number;
  failed: number;
  pending: number;
}

/** pending: not decided yet (never attempted, or stopped before its turn) */
export function countOutcomes(total: number, outcomes: ReadonlyMap<number, RetentionItemOutcome>): OutcomeCounts {
  const counts: OutcomeCounts = { deleted: 0, skipped: 0, failed: 0, pending: 0 };
  for (let i = 0; i < total; i++) counts[outcomes.get(i)?.status ?? "pending"]++;
  return counts;
}
