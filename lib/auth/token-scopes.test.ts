import { describe, expect, it } from "vitest";
import { actions, decide, isEnvironmentAction, roles, type Grant } from "./policy";
import { legacyScopes, scopeActions, scopeNeededFor, sessionOnlyActions, tokenScopes, type TokenLimit } from "./token-scopes";

const withLimit = (grants: Grant[], limit: TokenLimit): Grant[] => grants.map((g) => ({ ...g, limit }));
const resourceFor = (action: (typeof actions)[number], environment = "prod") => (isEnvironmentAction(action) ? { environment } : {});

describe("token scopes", () => {
  it("every action is reachable by some scope, or is explicitly session-only", () => {
    for (const action of actions) {
      const covered = tokenScopes.some((s) => scopeActions[s].has(action));
      expect(covered || sessionOnlyActions.includes(action), action).toBe(true);
      expect(covered && sessionOnlyActions.includes(action), action).toBe(false);
    }
  });

  // exhaustive: every role (global and in prod), every single scope, every action, with and without an environment restriction
  it("never widens: whatever a token allows, its owner's roles allow too; and it allows exactly what its scope lists", () => {
    for (const role of roles) {
      for (const grantEnv of [null, "prod"]) {
        const grants: Grant[] = [{ role, environment: grantEnv }];
        for (const scope of tokenScopes) {
          for (const environments of [null, ["prod"], ["dev"]]) {
            const limited = withLimit(grants, { scopes: [scope], environments });
            for (const action of actions) {
              const owner = decide(grants, action, resourceFor(action)).allowed;
              const token = decide(limited, action, resourceFor(action)).allowed;
              if (token) expect(owner, `${role}@${grantEnv} ${scope} ${action}`).toBe(true);
              const envOk = environments === null || (isEnvironmentAction(action) && environments.includes("prod"));
              expect(token, `${role}@${grantEnv} ${scope} ${environments} ${action}`).toBe(owner && scopeActions[scope].has(action) && envOk);
            }
          }
        }
      }
    }
  });

  it("names the scope a refused action needs", () => {
    const d = decide(withLimit([{ role: "admin", environment: null }], { scopes: ["read"], environments: null }), "promotion.request", { environment: "prod" });
    const reason = 'this API token lacks the "promote" scope needed for promotion.request (its scopes: read)';
    expect(d).toEqual({ allowed: false, reason, message: `Not allowed: ${reason}.` });
    expect(scopeNeededFor("metrics.view")).toBe("metrics");
    expect(scopeNeededFor("registry.manage")).toBe("admin");
    expect(scopeNeededFor("token.manage")).toBeNull();
  });

  it("a token cannot manage tokens or the account, even an admin's admin token", () => {
    const d = decide(withLimit([{ role: "admin", environment: null }], { scopes: ["admin"], environments: null }), "token.manage");
    const reason = "token.manage cannot be done with an API token: sign in to Dockmaster";
    expect(d).toEqual({ allowed: false, reason, message: `Not allowed: ${reason}.` });
  });

  it("legacy tokens are read+promote", () => {
    expect(legacyScopes).toEqual(["read", "promote"]);
  });
});
