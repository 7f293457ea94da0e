import Link from "next/link";
import type { DigestLocation } from "@/lib/inventory/index/reads";
import { tagUrl } from "@/lib/inventory/index/urls";
import { Time } from "@/components/ui/time";
import { ScrollRegion } from "@/components/ui/scroll-region";

/** Every span during which a tag pointed at a digest: where it runs now (no "until") and where it ran. */
export function DigestLocationsTable({ locations, testId }: { locations: DigestLocation[]; testId: string }) {
  return (
    <ScrollRegion label="Where the digest runs and ran" className="card">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>Environment</th>
            <th>Repository:tag</th>
            <th>Since</th>
            <th>Until</th>
          </tr>
        </thead>
        <tbody>
          {locations.length === 0 && (
            <tr>
              <td colSpan={4} className="py-6 text-center text-slate-500">
                Nowhere else in the environments you may see.
              </td>
            </tr>
          )}
          {locations.map((l) => (
            <tr key={`${l.environment}/${l.repository}:${l.tag}@${l.since.toISOString()}`}>
              <td>{l.environment}</td>
              <td className="font-mono text-xs">
                <Link className="text-sky-700 hover:underline" href={tagUrl(l.environment, l.repository, l.tag)}>
                  {l.repository}:{l.tag}
                </Link>
              </td>
              <td className="whitespace-nowrap font-mono text-xs">
                <Time at={l.since} />
              </td>
              <td className="whitespace-nowrap font-mono text-xs">
                <Time at={l.until} fallback="now" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
