import { describe, expect, it } from "vitest";
import { assignApprovers, describeOwed, type GroupRequirement } from "./approval-groups";

const group = (name: string, count: number, members: string[]): GroupRequirement => ({ name, count, members: new Set(members) });

describe("approval groups: distinct people, one group per person, as many seats filled as possible", () => {
  const security = group("security", 1, ["alice@x.io", "bob@x.io", "carol@x.io"]);
  const release = group("release", 1, ["carol@x.io", "dave@x.io"]);

  it("two approvals from the same group do not satisfy a policy needing two groups", () => {
    const s = assignApprovers([security, release], ["alice@x.io", "bob@x.io"]);
    expect(s.met).toBe(false);
    expect(s.groups).toEqual([
      { name: "security", count: 1, approvedBy: ["alice@x.io"], owed: 0 },
      { name: "release", count: 1, approvedBy: [], owed: 1 },
    ]);
    expect(s.uncounted).toEqual(["bob@x.io"]);
    expect(describeOwed(s)).toBe("release owes 1 decision(s)");
  });

  it("one person in both groups counts once", () => {
    const s = assignApprovers([security, release], ["carol@x.io"]);
    expect(s.met).toBe(false);
    expect(s.groups.map((g) => g.approvedBy)).toEqual([["carol@x.io"], []]);
  });

  it("moves a person in two groups to the seat only they can fill (order of approvals does not matter)", () => {
    // carol came first and took security; alice can only sit in security, so carol moves to release
    const s = assignApprovers([security, release], ["carol@x.io", "alice@x.io"]);
    expect(s.met).toBe(true);
    expect(s.groups.map((g) => g.approvedBy)).toEqual([["alice@x.io"], ["carol@x.io"]]);
    expect(describeOwed(s)).toBe("every required approval is in");
  });

  it("a count of two needs two distinct members", () => {
    const twoSecurity = group("security", 2, ["alice@x.io", "bob@x.io"]);
    expect(assignApprovers([twoSecurity], ["alice@x.io"]).groups[0]!.owed).toBe(1);
    expect(assignApprovers([twoSecurity], ["alice@x.io", "bob@x.io"]).met).toBe(true);
  });

  it("non-members count for nothing; membership ignores the case of the email", () => {
    const s = assignApprovers([security], ["mallory@x.io", "ALICE@x.io"]);
    expect(s).toMatchObject({ met: true, uncounted: ["mallory@x.io"] });
  });

  it("the plain `approvals: N` form: anyone counts", () => {
    const anyone: GroupRequirement = { name: null, count: 2, members: "anyone" };
    expect(describeOwed(assignApprovers([anyone], ["a@x.io"]))).toBe("1 more approval(s)");
    expect(assignApprovers([anyone], ["a@x.io", "b@x.io"]).met).toBe(true);
    expect(assignApprovers([], []).met).toBe(true);
  });
});
