import { describe, expect, it } from "vitest";
import { actions, decide, environmentActions, globalActions, isEnvironmentAction, leastRoleFor, refusalMessage, roles, selfActions, type Action, type Role } from "./policy";

// The expected matrix, written out independently of policy.ts so a change there must be deliberate.
const expected: Record<Action, Role[]> = {
  "environment.view": ["viewer", "developer", "approver", "admin"],
  "promotion.view": ["viewer", "developer", "approver", "admin"],
  "promotion.request": ["developer", "approver", "admin"],
  "promotion.approve": ["approver", "admin"],
  "promotion.reject": ["approver", "admin"],
  "promotion.rollback": ["approver", "admin"],
  "promotion.override": ["admin"],
  "exception.manage": ["approver", "admin"],
  "retention.plan": ["approver", "admin"],
  "retention.execute": ["admin"],
  "registry.view": ["viewer", "developer", "approver", "admin"],
  "scan.view": ["viewer", "developer", "approver", "admin"],
  "replication.view": ["viewer", "developer", "approver", "admin"],
  "probe.view": ["viewer", "developer", "approver", "admin"],
  "metrics.view": ["viewer", "developer", "approver", "admin"],
  "token.manage": ["viewer", "developer", "approver", "admin"],
  "account.manage": ["viewer", "developer", "approver", "admin"],
  "audit.view": ["approver", "admin"],
  "audit.export": ["approver", "admin"],
  "events.deliver": ["admin"],
  "registry.manage": ["admin"],
  "environment.manage": ["admin"],
  "replication.trigger": ["admin"],
  "probe.manage": ["admin"],
  "probe.acknowledge": ["approver", "admin"],
  "user.manage": ["admin"],
  "settings.manage": ["admin"],
};

describe("permission policy", () => {
  it("covers every action in the expected matrix", () => {
    expect([...actions].sort()).toEqual(Object.keys(expected).sort());
    expect(environmentActions.length + globalActions.length).toBe(actions.length);
  });

  for (const action of actions) {
    for (const role of roles) {
      const want = expected[action].includes(role);
      it(`${role} ${want ? "may" : "may not"} ${action} (global grant)`, () => {
        const resource = isEnvironmentAction(action) ? { environment: "prod" } : {};
        expect(decide([{ role, environment: null }], action, resource).allowed).toBe(want);
      });
      if (isEnvironmentAction(action)) {
        it(`${role}@prod ${want ? "may" : "may not"} ${action} in prod, and never in dev`, () => {
          const grants = [{ role, environment: "prod" }];
          expect(decide(grants, action, { environment: "prod" }).allowed).toBe(want);
          expect(decide(grants, action, { environment: "dev" }).allowed).toBe(false);
        });
      } else if ((selfActions as readonly string[]).includes(action)) {
        it(`${role}@prod ${want ? "may" : "may not"} ${action} (own account: any grant counts)`, () => {
          expect(decide([{ role, environment: "prod" }], action).allowed).toBe(want);
        });
      } else {
        it(`${role}@prod grants nothing for the global action ${action}`, () => {
          expect(decide([{ role, environment: "prod" }], action).allowed).toBe(false);
        });
      }
    }
  }

  it("lets approvers execute retention plans only where the environment's retention.executeBy says approver, and only there", () => {
    const approverInDev = [{ role: "approver" as const, environment: "dev" }];
    expect(decide(approverInDev, "retention.execute", { environment: "dev" }).allowed).toBe(false);
    expect(decide(approverInDev, "retention.execute", { environment: "dev", retentionExecuteBy: "admin" }).allowed).toBe(false);
    expect(decide(approverInDev, "retention.execute", { environment: "dev", retentionExecuteBy: "approver" }).allowed).toBe(true);
    expect(decide(approverInDev, "retention.execute", { environment: "prod", retentionExecuteBy: "approver" }).allowed).toBe(false);
    for (const role of ["viewer", "developer"] as const) {
      expect(decide([{ role, environment: null }], "retention.execute", { environment: "dev", retentionExecuteBy: "approver" }).allowed).toBe(false);
      expect(decide([{ role, environment: null }], "retention.plan", { environment: "dev" }).allowed).toBe(false);
    }
    // the flag opens retention.execute only, nothing else approvers may not do
    expect(decide(approverInDev, "promotion.override", { environment: "dev", retentionExecuteBy: "approver" }).allowed).toBe(false);
  });

  it("refuses everything to a caller with no grants", () => {
    for (const action of actions) expect(decide([], action, { environment: "dev" }).allowed).toBe(false);
  });

  it("combines grants: developer globally plus approver in prod", () => {
    const grants = [
      { role: "developer" as const, environment: null },
      { role: "approver" as const, environment: "prod" },
    ];
    expect(decide(grants, "promotion.request", { environment: "test" }).allowed).toBe(true);
    expect(decide(grants, "promotion.approve", { environment: "prod" }).allowed).toBe(true);
    expect(decide(grants, "promotion.approve", { environment: "test" }).allowed).toBe(false);
  });

  it("refuses an environment action without an environment, with a reason", () => {
    const d = decide([{ role: "admin", environment: null }], "promotion.approve");
    expect(d).toEqual({ allowed: false, reason: "promotion.approve needs an environment", message: "This needs an environment (promotion.approve)." });
  });

  it("names the action and scope when refusing", () => {
    const d = decide([{ role: "viewer", environment: null }], "promotion.request", { environment: "prod" });
    expect(d).toEqual({
      allowed: false,
      reason: 'no role grants promotion.request in environment "prod"',
      message: "You need the developer role (or higher) in environment prod to request promotions.",
    });
  });

  it("tells people in plain words which role they need, where", () => {
    const prodApprover = [{ role: "approver" as const, environment: "prod" }];
    expect(decide(prodApprover, "registry.view")).toMatchObject({ reason: "no role grants registry.view", message: "You need the viewer role (or higher) for all environments to view registries." });
    expect(decide(prodApprover, "promotion.approve", { environment: "dev" })).toMatchObject({ message: "You need the approver role (or higher) in environment dev to approve promotions." });
    expect(decide(prodApprover, "user.manage")).toMatchObject({ message: "You need the admin role for all environments to manage users." });
    expect(decide([], "token.manage")).toMatchObject({ message: "You need the viewer role (or higher) to manage your API tokens." });
  });

  it("has words for every action and names the least role that grants it", () => {
    for (const action of actions) {
      expect(refusalMessage(action, "dev")).not.toContain(action);
      const least = leastRoleFor(action);
      expect(decide([{ role: least, environment: null }], action, { environment: "dev" }).allowed).toBe(true);
      const below = roles[roles.indexOf(least) - 1];
      if (below) expect(decide([{ role: below, environment: null }], action, { environment: "dev" }).allowed).toBe(false);
    }
  });

  describe("an approver reads the source of a promotion they may decide", () => {
    const source = { environment: "dev", repository: "dev/api", digest: "sha256:" + "a".repeat(64) };
    const open = [{ targetEnv: "prod", source }];
    const prodApprover = [{ role: "approver" as const, environment: "prod" }];
    const artifact = (over: Partial<typeof source> = {}, openPromotions: typeof open = open) => ({ artifact: { ...source, ...over, openPromotions } });

    it("may view exactly that artifact and its scan", () => {
      expect(decide(prodApprover, "registry.view", artifact()).allowed).toBe(true);
      expect(decide(prodApprover, "scan.view", artifact()).allowed).toBe(true);
    });

    it("may not view another digest, repository or environment", () => {
      expect(decide(prodApprover, "registry.view", artifact({ digest: "sha256:" + "b".repeat(64) })).allowed).toBe(false);
      expect(decide(prodApprover, "registry.view", artifact({ repository: "dev/other" })).allowed).toBe(false);
      expect(decide(prodApprover, "scan.view", artifact({ environment: "test" })).allowed).toBe(false);
    });

    it("may do nothing else with it: no other action counts the promotion", () => {
      for (const action of actions.filter((a) => a !== "registry.view" && a !== "scan.view" && !isEnvironmentAction(a) && !(selfActions as readonly string[]).includes(a))) {
        expect(decide(prodApprover, action, artifact()).allowed, action).toBe(false);
      }
      expect(decide(prodApprover, "environment.view", { environment: "dev", ...artifact() }).allowed).toBe(false);
      expect(decide(prodApprover, "promotion.request", { environment: "dev", ...artifact() }).allowed).toBe(false);
    });

    it("needs an open promotion: none, or one into an environment they cannot decide in, grants nothing", () => {
      expect(decide(prodApprover, "registry.view", artifact({}, [])).allowed).toBe(false);
      expect(decide(prodApprover, "registry.view", artifact({}, [{ targetEnv: "test", source }])).allowed).toBe(false);
    });

    it("needs a deciding role in the target: a prod viewer or developer does not get it", () => {
      for (const role of ["viewer", "developer"] as const) {
        expect(decide([{ role, environment: "prod" }], "registry.view", artifact()).allowed, role).toBe(false);
      }
      expect(decide([{ role: "admin", environment: "prod" }], "scan.view", artifact()).allowed).toBe(true);
    });

    it("still refuses with the plain reason", () => {
      expect(decide(prodApprover, "registry.view", artifact({}, []))).toEqual({ allowed: false, reason: "no role grants registry.view", message: "You need the viewer role (or higher) for all environments to view registries." });
    });
  });

  describe("retention.execute: admins, and approvers only where the environment says executeBy: approver", () => {
    const byApprover = { environment: "dev", retentionExecuteBy: "approver" as const };
    it("an approver of the environment may when configured, not by default", () => {
      expect(decide([{ role: "approver", environment: "dev" }], "retention.execute", byApprover).allowed).toBe(true);
      expect(decide([{ role: "approver", environment: null }], "retention.execute", byApprover).allowed).toBe(true);
      expect(decide([{ role: "approver", environment: "dev" }], "retention.execute", { environment: "dev" }).allowed).toBe(false);
      expect(decide([{ role: "approver", environment: "dev" }], "retention.execute", { environment: "dev", retentionExecuteBy: "admin" }).allowed).toBe(false);
    });
    it("an approver of another environment may not, nor viewers or developers anywhere", () => {
      expect(decide([{ role: "approver", environment: "prod" }], "retention.execute", byApprover).allowed).toBe(false);
      for (const role of ["viewer", "developer"] as const) expect(decide([{ role, environment: null }], "retention.execute", byApprover).allowed).toBe(false);
    });
    it("an admin may either way", () => {
      expect(decide([{ role: "admin", environment: null }], "retention.execute", byApprover).allowed).toBe(true);
      expect(decide([{ role: "admin", environment: null }], "retention.execute", { environment: "dev" }).allowed).toBe(true);
    });
  });
});
