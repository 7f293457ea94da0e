/**
 * Which approvals count for which group. Every group must reach its count with distinct people and
 * one person counts for one group at most, but a person may belong to several groups: approvers are
 * assigned to group seats by a maximum bipartite matching (augmenting paths), so that as many seats
 * as possible are filled whatever the order the approvals came in.
 */
export interface GroupRequirement {
  /** null: the plain `approvals: N` form, where any approver counts */
  name: string | null;
  count: number;
  /** lowercased emails; "anyone" for the plain form */
  members: ReadonlySet<string> | "anyone";
}

export interface GroupStanding {
  name: string | null;
  count: number;
  /** who counts for this group */
  approvedBy: string[];
  /** decisions still owed */
  owed: number;
}

export interface ApprovalStanding {
  met: boolean;
  groups: GroupStanding[];
  /** approvers who count for no group (not a member, or their groups are full) */
  uncounted: string[];
}

const canSit = (req: GroupRequirement, email: string) => req.members === "anyone" || req.members.has(email.toLowerCase());

/** Assigns approvers (distinct emails, the requester already left out) to the groups' seats. */
export function assignApprovers(requirements: readonly GroupRequirement[], approvers: readonly string[]): ApprovalStanding {
  const seats = requirements.flatMap((req, g) => Array.from({ length: req.count }, () => g));
  const seatHolder: (number | null)[] = seats.map(() => null);

  // Kuhn's algorithm: try to seat approver a, moving already seated approvers to other seats of
  // their groups when that frees one. Tiny inputs (≤ 10 seats per group), so plain recursion.
  const trySeat = (a: number, visited: Set<number>): boolean => {
    for (let s = 0; s < seats.length; s++) {
      if (visited.has(s) || !canSit(requirements[seats[s]!]!, approvers[a]!)) continue;
      visited.add(s);
      const holder = seatHolder[s]!;
      if (holder === null || trySeat(holder, visited)) {
        seatHolder[s] = a;
        return true;
      }
    }
    return false;
  };
  const seated = approvers.map((_, a) => trySeat(a, new Set()));

  const groups = requirements.map((req, g) => {
    const approvedBy = seats.flatMap((sg, s) => (sg === g && seatHolder[s] !== null ? [approvers[seatHolder[s]!]!] : []));
    return { name: req.name, count: req.count, approvedBy, owed: req.count - approvedBy.length };
  });
  return { met: groups.every((g) => g.owed === 0), groups, uncounted: approvers.filter((_, a) => !seated[a]) };
}

/** "security owes 1 decision, release owes 1 decision" / "1 more approval". */
export function describeOwed(standing: ApprovalStanding): string {
  const owing = standing.groups.filter((g) => g.owed > 0);
  if (owing.length === 0) return "every required approval is in";
  return owing.map((g) => (g.name === null ? `${g.owed} more approval(s)` : `${g.name} owes ${g.owed} decision(s)`)).join(", ");
}
