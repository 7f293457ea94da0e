import Link from "next/link";
import { scopeTargetOf, subjectOf } from "@/lib/exceptions/apply";
import { currentExceptionSettings } from "@/lib/exceptions/default-settings";
import { expiringSoon } from "@/lib/exceptions/maintenance";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/plural";

/** Exceptions that stop applying within warnDays (exceptions.warnDays): findings they accept will count again. */
export async function ExpiringExceptionsBanner() {
  const { warnDays } = await currentExceptionSettings();
  const now = new Date();
  const soon = await expiringSoon(await getPrisma(), now, warnDays);
  if (soon.length === 0) return null;
  return (
    <section role="status" aria-label="CVE exceptions expiring soon" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="expiring-exceptions">
      <p className="font-medium">
        {plural(soon.length, "CVE exception")} {soon.length === 1 ? "expires" : "expire"} within {plural(warnDays, "day")}; the findings they accept will count again.{" "}
        <Link href="/exceptions" className="underline">
          Review the exceptions
        </Link>
      </p>
      <ul className="mt-1 list-disc pl-5">
        {soon.slice(0, 5).map((e) => (
          <li key={e.id}>
            {subjectOf(e)} for {scopeTargetOf(e)}: expires <Time at={e.expiresAt} /> (owner {e.owner})
          </li>
        ))}
        {soon.length > 5 && <li>and {soon.length - 5} more</li>}
      </ul>
    </section>
  );
}
