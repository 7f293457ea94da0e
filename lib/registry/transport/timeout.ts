/**
 * One overall deadline per call, covering retries, backoff sleeps, the token exchange and (for
 * buffered calls) reading the body. A streaming call's deadline ends at the response headers: a
 * multi-GB blob legitimately takes longer, and undici's bodyTimeout still catches a stalled stream.
 */
import { RegistryError } from "../errors";
import { describeTarget, type Step } from "./types";

export function timeoutStep(defaultTimeoutMs: number): Step {
  return (next) => async (req) => {
    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    if (!timeoutMs || timeoutMs <= 0) return next(req);

    const controller = new AbortController();
    const host = req.url.host;
    const timer = setTimeout(() => {
      controller.abort(
        new RegistryError({
          kind: "timeout",
          message: `registry ${host} did not complete ${describeTarget(req)} within ${timeoutMs} ms`,
          registry: host,
          url: req.url.toString(),
          method: req.method,
        }),
      );
    }, timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;

    try {
      const res = await next({ ...req, signal, deadline: Date.now() + timeoutMs });
      if (req.stream || req.method === "HEAD") {
        clearTimeout(timer);
      } else {
        // the timer must outlive this function: the caller reads the body afterwards
        res.body.once("close", () => clearTimeout(timer));
        if (res.body.destroyed || res.body.readableEnded) clearTimeout(timer);
      }
      return res;
    } catch (err) {
      clearTimeout(timer);
      if (controller.signal.aborted && !(err instanceof RegistryError && err.kind !== "timeout")) {
        throw controller.signal.reason;
      }
      throw err;
    }
  };
}
