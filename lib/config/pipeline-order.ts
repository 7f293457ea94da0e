/**
 * An environment's order is its place in the pipeline (dev 1 → test 2 → prod 3): promotions,
 * the drift matrix and every environment list sort by it, so two environments at one place would
 * make "the next environment" ambiguous. One rule for the Settings form and dockmaster.yaml.
 */
export function pipelineOrderConflict(existing: readonly { name: string; order: number }[], candidate: { name: string; order: number }): string | null {
  const taken = existing.find((e) => e.order === candidate.order && e.name !== candidate.name);
  if (!taken) return null;
  const used = new Set(existing.map((e) => e.order));
  let free = candidate.order + 1;
  while (used.has(free)) free++;
  return `order ${candidate.order} is already taken by environment "${taken.name}"; each environment needs its own place in the pipeline (${free} is free)`;
}
