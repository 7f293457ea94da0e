import Link from "next/link";
import type { Principal } from "@/lib/auth/enforce";
import { countAwaitingMyDecision } from "@/lib/promotion/awaiting";
import { getPrisma } from "@/lib/runtime";

const english = new Intl.PluralRules("en");
const awaitingText = (n: number) => (english.select(n) === "one" ? `${n} promotion awaits your decision` : `${n} promotions await your decision`);

/** The count in the navigation, next to "Promotions": nothing when nothing waits for me. */
export async function AwaitingDecisionBadge({ me }: { me: Pick<Principal, "id" | "grants"> }) {
  const n = await countAwaitingMyDecision(await getPrisma(), me);
  if (n === 0) return null;
  return (
    <span className="ml-2 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-300 px-1.5 text-xs font-semibold text-slate-900" data-testid="nav-awaiting" title={awaitingText(n)}>
      {n}
      <span className="sr-only"> {n === 1 ? "awaits" : "await"} your decision</span>
    </span>
  );
}

/** The same count on the home page, as a way into the queue. */
export async function AwaitingDecisionNotice({ me }: { me: Pick<Principal, "id" | "grants"> }) {
  const n = await countAwaitingMyDecision(await getPrisma(), me);
  if (n === 0) return null;
  return (
    <section role="status" aria-label="Promotions awaiting your decision" className="mb-4 rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900" data-testid="home-awaiting">
      <span className="font-medium">{awaitingText(n)}.</span>{" "}
      <Link href="/promotions" className="underline">
        Open the queue
      </Link>
    </section>
  );
}
