import { z } from "zod";
import { configName } from "./names";

/**
 * gates.approvals: either a number (that many distinct approvers, anyone with the approver role), or
 * groups that must each reach their count with distinct people:
 *
 *   approvals:
 *     groups:
 *       - { name: security, count: 1, members: [alice@corp.example] }
 *       - { name: release, count: 1 }          # members added in Settings → Approval groups
 *
 * Members are user email addresses. Members listed here are read-only in the UI; an admin adds more
 * in the UI. Evaluation lives in lib/promotion/approval-groups.ts.
 */
const group = z.strictObject({
  name: configName,
  count: z.number().int().min(1).max(10).default(1),
  members: z.array(z.email("must be a user's email address")).default([]),
});

export const approvalsSchema = z.union([
  z.number().int().min(0).max(10),
  z
    .strictObject({ groups: z.array(group).min(1) })
    .refine((a) => new Set(a.groups.map((g) => g.name)).size === a.groups.length, { message: "group names must be unique" }),
]);

export type ApprovalGroup = z.infer<typeof group>;
