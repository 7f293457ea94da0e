import type { Clock } from "@/lib/probe/scheduler/clock";

/** A clock that moves only when the test says so: timers fire during advance(), in time order. */
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => unknown }[] = [];
  private seq = 0;

  constructor(private current: number) {}

  now() {
    return this.current;
  }

  after(ms: number, fn: () => unknown) {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers not yet fired or cancelled. */
  get pending() {
    return this.timers.length;
  }

  /**
   * Moves time forward by ms. Every timer falling due on the way runs at its own instant, and its
   * work (the promise it returns) is awaited before the next, as if the time had really passed.
   */
  async advance(ms: number) {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      await due.fn();
    }
    this.current = end;
  }
}
