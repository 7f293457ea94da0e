/** What a server action returns to its form; shared by server actions and client forms. */
export type ActionState<T = unknown> =
  | { status: "idle" }
  | { status: "ok"; message: string; data?: T }
  | { status: "error"; message: string; fieldErrors?: Record<string, string[]> };

/** zod issues grouped by top-level field, as forms show them next to their inputs. */
export function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) (out[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
  return out;
}
