/** What a server action returns to its form; shared by server actions and client forms. */
export type ActionState<T = unknown> =
  | { status: "idle" }
  | { status: "ok"; message: string; data?: T }
  | { status: "error"; message: string; fieldErrors?: Record<string, string[]> };
