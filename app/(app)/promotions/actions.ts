"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { rollbackPromotion } from "@/lib/promotion/execute";
import { runNow } from "@/lib/promotion/scheduled";
import { withdrawPromotion } from "@/lib/promotion/withdraw";
import { approvePromotion, decisionFields, overrideGates, promotionRequest, rejectPromotion, requestPromotion, retryPromotion } from "@/lib/promotion/service";

const id = z.object({ id: z.string().min(1) });

export const requestPromotionAction = defineAction({
  input: promotionRequest,
  permission: (i) => ["promotion.request", { environment: i.targetEnv }],
  async run(input, { principal }) {
    const p = await requestPromotion(await promotionDeps(), principal, input);
    revalidatePath("/promotions");
    redirect(`/promotions/${p.number}`);
  },
});

export const approveAction = defineAction({
  input: id.extend({ comment: decisionFields.comment }),
  permission: "checked-by-service",
  async run(input, { principal }) {
    const { ready, scheduled } = await approvePromotion(await promotionDeps(), principal, input.id, input.comment);
    revalidatePath("/promotions");
    return { message: !ready ? "Approval recorded." : scheduled ? "Approved: it runs when the change window opens." : "Approved: the copy is starting." };
  },
});

export const rejectAction = defineAction({
  input: id.extend({ reason: decisionFields.reason }),
  permission: "checked-by-service",
  async run(input, { principal }) {
    await rejectPromotion(await promotionDeps(), principal, input.id, input.reason);
    revalidatePath("/promotions");
    return { message: "Rejected." };
  },
});

export const overrideAction = defineAction({
  input: id.extend({ justification: decisionFields.justification }),
  permission: "checked-by-service",
  async run(input, { principal }) {
    const { ready, scheduled } = await overrideGates(await promotionDeps(), principal, input.id, input.justification);
    revalidatePath("/promotions");
    return { message: !ready ? "Gates overridden; approvals are still needed." : scheduled ? "Gates overridden: it runs when the change window opens." : "Gates overridden: the copy is starting." };
  },
});

export const retryAction = defineAction({
  input: id,
  permission: "checked-by-service",
  async run(input, { principal }) {
    await retryPromotion(await promotionDeps(), principal, input.id);
    revalidatePath("/promotions");
    return { message: "Retrying." };
  },
});

export const rollbackAction = defineAction({
  input: id.extend({ reason: decisionFields.reason }),
  permission: "checked-by-service",
  async run(input, { principal }) {
    await rollbackPromotion(await promotionDeps(), principal, input.id, input.reason);
    revalidatePath("/promotions");
    return { message: "Rolled back and verified." };
  },
});

export const runNowAction = defineAction({
  input: id.extend({ justification: decisionFields.justification }),
  permission: "checked-by-service",
  async run(input, { principal }) {
    const { outcome } = await runNow(await promotionDeps(), principal, input.id, input.justification);
    revalidatePath("/promotions");
    return { message: outcome === "approved" ? "Running now, inside the closed change window." : "Gates fail now: the promotion is back to requested." };
  },
});

export const withdrawAction = defineAction({
  input: id.extend({ reason: decisionFields.reason }),
  permission: "checked-by-service",
  async run(input, { principal }) {
    await withdrawPromotion(await promotionDeps(), principal, input.id, input.reason);
    revalidatePath("/promotions");
    return { message: "Withdrawn." };
  },
});
