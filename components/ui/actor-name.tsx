import { Badge } from "@/components/ui/badge";
import { systemActorLabel } from "@/lib/audit/system-actors";

/**
 * Who did something, as an audit row or a record names them: a person's email as it is, or one of
 * Dockmaster's own actors ("system:retention-schedule") marked as such, with what it is in words,
 * so nobody reads a scheduled deletion as a person's.
 */
export function ActorName({ name, empty = "—" }: { name: string | null | undefined; empty?: string }) {
  if (!name) return <>{empty}</>;
  const label = systemActorLabel(name);
  if (!label) return <>{name}</>;
  return (
    <span className="inline-flex items-center gap-1" data-actor-kind="system" title={label}>
      <Badge tone="sky">system</Badge>
      <span className="font-mono text-xs">{name}</span>
      <span className="sr-only">({label})</span>
    </span>
  );
}
