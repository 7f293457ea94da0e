/**
 * Silencing: an alert, or every alert of a rule, sends no webhook notification until a chosen time.
 * The alert still opens, shows and resolves as usual; only the notification is held. A held firing
 * notification is sent when the silence ends if the alert is still open (maintenance retries it, as
 * it retries a failed delivery); an alert that opened and resolved inside the silence is never sent.
 */
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { FieldError, InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "@/lib/auth/users";

const SILENCE_PRESETS = { "1h": 1, "4h": 4, "24h": 24 } as const;
/** a week: a longer silence is a disabled rule in disguise; disable the rule instead */
const MAX_SILENCE_HOURS = 168;

export const silenceForm = z.object({
  id: z.string().min(1),
  duration: z.enum(["1h", "4h", "24h", "custom", "off"]),
  customHours: z.string().optional(),
});

/** When the silence ends, from the form's choice; null lifts it ("off"). */
export function silenceUntil(input: { duration: z.infer<typeof silenceForm>["duration"]; customHours?: string | undefined }, now: number): Date | null {
  if (input.duration === "off") return null;
  if (input.duration !== "custom") return new Date(now + SILENCE_PRESETS[input.duration] * 3_600_000);
  const raw = input.customHours?.trim() ?? "";
  const hours = Number(raw);
  if (!raw || !Number.isFinite(hours)) throw new FieldError("customHours", "enter a number of hours, e.g. 2 or 0.5");
  if (hours <= 0 || hours > MAX_SILENCE_HOURS) throw new FieldError("customHours", `must be more than 0 and at most ${MAX_SILENCE_HOURS} hours (a week); disable the rule for longer`);
  return new Date(now + Math.round(hours * 3_600_000));
}

export const isSilenced = (until: Date | null | undefined, now: number) => !!until && until.getTime() > now;

export async function silenceAlert(prisma: PrismaClient, ctx: ActorContext, id: string, until: Date | null) {
  return prisma.$transaction(async (tx) => {
    const alert = await tx.probeAlert.findUnique({ where: { id }, include: { target: { select: { name: true } } } });
    if (!alert) throw new InvalidInputError("that alert no longer exists");
    if (alert.resolvedAt && until) throw new InvalidInputError("that alert has resolved already: nothing to silence");
    await tx.probeAlert.update({ where: { id }, data: { silencedUntil: until, silencedBy: until ? (ctx.actor?.email ?? null) : null } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: until ? "probe.alert.silence" : "probe.alert.unsilence",
      target: { type: "probe", id: alert.target.name },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { alert: id, message: alert.message, until: until?.toISOString() ?? null },
    });
  });
}

export async function silenceRule(prisma: PrismaClient, ctx: ActorContext, id: string, until: Date | null) {
  return prisma.$transaction(async (tx) => {
    const rule = await tx.probeAlertRule.findUnique({ where: { id } });
    if (!rule) throw new InvalidInputError("that rule no longer exists");
    await tx.probeAlertRule.update({ where: { id }, data: { silencedUntil: until, silencedBy: until ? (ctx.actor?.email ?? null) : null } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: until ? "probe.rule.silence" : "probe.rule.unsilence",
      target: { type: "alert-rule", id: rule.name },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { rule: rule.name, until: until?.toISOString() ?? null },
    });
  });
}
