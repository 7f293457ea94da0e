import { describe, expect, it } from "vitest";
import type { Grant } from "@/lib/auth/policy";
import { decisionsFor, type DecidablePromotion } from "./decisions";

const promotion = (over: Partial<DecidablePromotion> = {}): DecidablePromotion => ({
  number: 7,
  status: "requested",
  targetEnv: "prod",
  targetRepository: "prod/api",
  targetTag: "1.0",
  requestedById: "requester",
  gatesPassed: true,
  override: null,
  previousDigest: "sha256:" + "a".repeat(64),
  approvals: [],
  ...over,
});
const who = (id: string, ...grants: Grant[]) => ({ id, grants });
const approver = who("approver", { role: "approver", environment: "prod" });
const allowedVerbs = (d: ReturnType<typeof decisionsFor>) => Object.entries(d).filter(([, v]) => v.allowed).map(([k]) => k);

describe("decisionsFor: who may decide what, now", () => {
  it("an approver of the target environment may approve or reject a waiting request", () => {
    expect(allowedVerbs(decisionsFor(promotion(), approver))).toEqual(["approve", "reject"]);
  });

  it("the requester may not decide on their own request, even as an approver", () => {
    const d = decisionsFor(promotion({ requestedById: "approver" }), approver);
    expect(d.approve).toEqual({ allowed: false, kind: "requester", status: 403, reason: "You cannot approve your own promotion request; another approver must." });
    expect(d.reject).toMatchObject({ allowed: false, kind: "requester", status: 403 });
  });

  it("a requester without the approver role is told it is someone else's to decide, not only 'not allowed'", () => {
    const d = decisionsFor(promotion({ requestedById: "dev" }), who("dev", { role: "developer", environment: null }));
    expect(d.approve).toMatchObject({ allowed: false, kind: "requester", status: 403 });
    expect(d.reject).toMatchObject({ allowed: false, kind: "requester", status: 403 });
    expect(d.rollback).toMatchObject({ allowed: false, kind: "permission" });
  });

  it("only an admin may run a scheduled promotion now; nobody may approve or reject it any more", () => {
    const admin = who("admin", { role: "admin", environment: null });
    expect(allowedVerbs(decisionsFor(promotion({ status: "scheduled" }), admin))).toEqual(["run-now"]);
    expect(decisionsFor(promotion({ status: "scheduled" }), approver)["run-now"]).toMatchObject({ allowed: false, kind: "permission" });
    expect(decisionsFor(promotion(), admin)["run-now"]).toMatchObject({ allowed: false, kind: "state", status: 409 });
  });

  it("an approver scoped to another environment may not approve into this one", () => {
    const d = decisionsFor(promotion(), who("devapprover", { role: "approver", environment: "dev" }, { role: "developer", environment: null }));
    expect(d.approve).toEqual({ allowed: false, kind: "permission", status: 403, reason: 'You need the approver role (or higher) in environment prod to approve promotions.' });
    expect(d.reject).toMatchObject({ allowed: false, kind: "permission" });
  });

  it("nobody approves twice", () => {
    expect(decisionsFor(promotion({ approvals: [{ userId: "approver" }] }), approver).approve).toMatchObject({ allowed: false, kind: "decided", status: 409 });
  });

  it("decisions on a request are refused once it left 'requested', naming its state", () => {
    for (const status of ["approved", "copying", "verified", "failed", "rejected", "rolled_back"] as const) {
      const d = decisionsFor(promotion({ status }), approver);
      expect(d.approve).toEqual({ allowed: false, kind: "state", status: 409, reason: `promotion #7 is ${status}, not awaiting approval` });
      expect(d.reject.allowed).toBe(false);
    }
  });

  it("override: admins only, only failed gates, only once", () => {
    const admin = who("admin", { role: "admin", environment: null });
    expect(decisionsFor(promotion({ gatesPassed: false }), approver).override).toMatchObject({ allowed: false, kind: "permission" });
    expect(decisionsFor(promotion({ gatesPassed: false }), admin).override).toEqual({ allowed: true });
    expect(decisionsFor(promotion(), admin).override).toMatchObject({ allowed: false, kind: "nothing", reason: "every gate passed; there is nothing to override" });
    expect(decisionsFor(promotion({ gatesPassed: false, override: { by: "x" } }), admin).override).toMatchObject({ allowed: false, kind: "nothing" });
    expect(decisionsFor(promotion({ gatesPassed: false, status: "rejected" }), admin).override).toMatchObject({ allowed: false, kind: "state" });
  });

  it("retry: anyone who may request into the environment, only after a failure", () => {
    const dev = who("dev", { role: "developer", environment: null });
    expect(decisionsFor(promotion({ status: "failed" }), dev).retry).toEqual({ allowed: true });
    expect(decisionsFor(promotion({ status: "copying" }), dev).retry).toMatchObject({ allowed: false, kind: "state", reason: "only a failed promotion can be retried; #7 is copying" });
    expect(decisionsFor(promotion({ status: "failed" }), who("viewer", { role: "viewer", environment: null })).retry).toMatchObject({ allowed: false, kind: "permission" });
  });

  it("rollback: approvers, only a verified promotion that replaced an earlier digest", () => {
    expect(allowedVerbs(decisionsFor(promotion({ status: "verified" }), approver))).toEqual(["rollback"]);
    expect(decisionsFor(promotion({ status: "verified", previousDigest: null }), approver).rollback).toMatchObject({ allowed: false, kind: "nothing", reason: "prod/api:1.0 did not exist before promotion #7; there is no earlier digest to restore" });
    expect(decisionsFor(promotion({ status: "rolled_back" }), approver).rollback).toMatchObject({ allowed: false, kind: "state" });
    expect(decisionsFor(promotion({ status: "verified" }), who("dev", { role: "developer", environment: null })).rollback).toMatchObject({ allowed: false, kind: "permission" });
  });
});
