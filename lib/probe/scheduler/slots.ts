/**
 * Schedule arithmetic shared by both schedulers. A target with interval I runs at the instants
 * k·I + phase (epoch ms), where the phase is derived from its id: the same for every replica (so
 * they agree on what is due without talking to each other) and different per target (so a thousand
 * targets with the same interval do not all fire in the same millisecond).
 */
import { createHash } from "node:crypto";

export interface ScheduledTarget {
  id: string;
  intervalSeconds: number;
  timeoutMs: number;
}

export interface ProbeJob {
  targetId: string;
  /** the slot, epoch ms */
  slot: number;
}

function hashInt(s: string): number {
  return createHash("sha256").update(s).digest().readUInt32BE(0);
}

export function phaseOf(targetId: string, intervalMs: number): number {
  return hashInt(targetId) % intervalMs;
}

/** Slots in (after, upTo]. */
export function slotsBetween(t: ScheduledTarget, after: number, upTo: number): number[] {
  const interval = t.intervalSeconds * 1000;
  const phase = phaseOf(t.id, interval);
  const out: number[] = [];
  for (let k = Math.floor((after - phase) / interval) + 1; k * interval + phase <= upTo; k++) out.push(k * interval + phase);
  return out;
}

/** False for jobs planned before the target's interval changed: those are skipped. */
export function isSlotOf(t: Pick<ScheduledTarget, "id" | "intervalSeconds">, slot: number): boolean {
  const interval = t.intervalSeconds * 1000;
  return (((slot - phaseOf(t.id, interval)) % interval) + interval) % interval === 0;
}

/** A UUID derived from target and slot: every replica names the same run the same, so the queue stores it once. */
export function jobIdOf(job: ProbeJob): string {
  const h = createHash("sha256").update(`${job.targetId}@${job.slot}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** How far back a planner that stalled still hands out missed slots; the queue keeps finished jobs longer (pg-boss.ts). */
const CATCH_UP_MS = 300_000;

/**
 * Remembers how far ahead each target has been planned, so every planning pass hands out only
 * new slots. Keyed by target and interval: a changed interval starts a fresh plan.
 */
export class Planner {
  private plannedUntil = new Map<string, number>();

  constructor(private readonly lookaheadMs: number) {}

  due(targets: ScheduledTarget[], now: number): ProbeJob[] {
    const horizon = now + this.lookaheadMs;
    const live = new Set<string>();
    const jobs: ProbeJob[] = [];
    for (const t of targets) {
      const key = `${t.id}:${t.intervalSeconds}`;
      live.add(key);
      // After a stall, slots missed within the last interval (at most CATCH_UP_MS) are still handed
      // out and run late; older ones are history.
      const after = Math.max(this.plannedUntil.get(key) ?? now, now - Math.min(t.intervalSeconds * 1000, CATCH_UP_MS));
      for (const slot of slotsBetween(t, after, horizon)) jobs.push({ targetId: t.id, slot });
      this.plannedUntil.set(key, horizon);
    }
    for (const key of this.plannedUntil.keys()) if (!live.has(key)) this.plannedUntil.delete(key);
    return jobs;
  }
}
