"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { formName } from "@/lib/config/names";
import { acknowledgeAlert } from "@/lib/probe/alerts/list";
import { silenceAlert, silenceForm, silenceRule, silenceUntil } from "@/lib/probe/alerts/silence";
import { createAlertRule, deleteAlertRule, setAlertRuleEnabled } from "@/lib/probe/alerts/rules";
import { intervalField as interval, newTargetForm, optionalText as optional, timeoutField as timeout } from "@/lib/probe/form";
import { addBasicProbesForRegistries, createProbeTarget, deleteProbeTarget, updateProbeTarget } from "@/lib/probe/targets";
import { alertKinds } from "@/lib/probe/types";


function refresh() {
  revalidatePath("/probes");
  revalidatePath("/probes/manage");
  revalidatePath("/");
}

export const createTargetAction = defineAction({
  input: newTargetForm,
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    await createProbeTarget(prisma, { actor, ip }, input);
    refresh();
    return { message: `Probe ${input.name} added; it runs within ${input.intervalSeconds} seconds.` };
  },
});

export const updateTargetAction = defineAction({
  input: z.object({ id: z.string().min(1), intervalSeconds: interval, timeoutMs: timeout, enabled: z.enum(["on", "off"]).optional() }),
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    const row = await updateProbeTarget(prisma, { actor, ip }, input.id, { intervalSeconds: input.intervalSeconds, timeoutMs: input.timeoutMs, enabled: input.enabled === "on" });
    refresh();
    return { message: `Probe ${row.name} updated.` };
  },
});

export const deleteTargetAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    await deleteProbeTarget(prisma, { actor, ip }, input.id);
    refresh();
    return { message: "Probe removed, with its history." };
  },
});

export const addBasicTargetsAction = defineAction({
  input: z.object({}),
  permission: "probe.manage",
  async run(_input, { prisma, actor, ip }) {
    const created = await addBasicProbesForRegistries(prisma, { actor, ip });
    refresh();
    return { message: created.length ? `Added ${created.join(", ")}.` : "Every registry already has reachability and credentials probes." };
  },
});

export const createRuleAction = defineAction({
  input: z.object({
    name: formName,
    kind: z.enum(alertKinds),
    threshold: z.coerce.number().positive("a positive number"),
    windowSeconds: z.coerce.number().int().min(60).max(7 * 86_400).optional().or(z.literal("").transform(() => undefined)),
    targetName: optional,
  }),
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    await createAlertRule(prisma, { actor, ip }, { name: input.name, kind: input.kind, threshold: input.threshold, windowSeconds: input.windowSeconds ?? null, targetName: input.targetName ?? null });
    refresh();
    return { message: `Alert rule ${input.name} added.` };
  },
});

export const toggleRuleAction = defineAction({
  input: z.object({ id: z.string().min(1), enabled: z.enum(["true", "false"]) }),
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    await setAlertRuleEnabled(prisma, { actor, ip }, input.id, input.enabled === "true");
    refresh();
    return { message: input.enabled === "true" ? "Rule enabled." : "Rule disabled." };
  },
});

export const deleteRuleAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    await deleteAlertRule(prisma, { actor, ip }, input.id);
    refresh();
    return { message: "Rule removed." };
  },
});

export const acknowledgeAlertAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  permission: "probe.acknowledge",
  async run(input, { prisma, actor, ip }) {
    await acknowledgeAlert(prisma, { actor, ip }, input.id);
    refresh();
    return { message: "Acknowledged." };
  },
});

/** Silence one alert's notifications: whoever may acknowledge it (on call) may hold its pages too. */
export const silenceAlertAction = defineAction({
  input: silenceForm,
  permission: "probe.acknowledge",
  async run(input, { prisma, actor, ip }) {
    const until = silenceUntil(input, Date.now());
    await silenceAlert(prisma, { actor, ip }, input.id, until);
    refresh();
    return { message: until ? `Silenced until ${until.toISOString().slice(0, 16).replace("T", " ")} UTC.` : "Silence lifted." };
  },
});

/** Silence every alert of a rule: changes what the whole team is told, so it takes probe.manage. */
export const silenceRuleAction = defineAction({
  input: silenceForm,
  permission: "probe.manage",
  async run(input, { prisma, actor, ip }) {
    const until = silenceUntil(input, Date.now());
    await silenceRule(prisma, { actor, ip }, input.id, until);
    refresh();
    return { message: until ? `Rule silenced until ${until.toISOString().slice(0, 16).replace("T", " ")} UTC.` : "Rule silence lifted." };
  },
});
