import { describe, expect, it } from "vitest";
import { actions, decide, environmentActions, globalActions, isEnvironmentAction, roles, selfActions, type Action, type Role } from "./policy";

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
  "retention.execute": ["admin"],
  "registry.view": ["viewer", "developer", "approver", "admin"],
  "scan.view": ["viewer", "developer", "approver", "admin"],
  "replication.view": ["viewer", "developer", "approver", "admin"],
  "probe.view": ["viewer", "developer", "approver", "admin"],
  "token.manage": ["viewer", "developer", "approver", "admin"],
  "account.manage": ["viewer", "developer", "approver", "admin"],
  "audit.view": ["approver", "admin"],
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
    expect(d).toEqual({ allowed: false, reason: "promotion.approve needs an environment" });
  });

  it("names the action and scope when refusing", () => {
    const d = decide([{ role: "viewer", environment: null }], "promotion.request", { environment: "prod" });
    expect(d).toEqual({ allowed: false, reason: 'no role grants promotion.request in environment "prod"' });
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
