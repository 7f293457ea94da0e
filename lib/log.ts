import { formatWithOptions } from "node:util";

/**
 * Everything Dockmaster writes to its log passes through here. Log lines carry text a caller or a
 * registry chose (repository names, error bodies, header values), so control characters are made
 * visible instead of written: a "\r" or "\n" could forge a line that looks like our own, an escape
 * sequence could rewrite what an operator's terminal shows. Line breaks that belong to the record
 * (a stack trace) are kept but indented, so every record still starts at column 0 and nothing
 * inside one can pass for the start of another.
 */

// C0 controls except \n, DEL, C1 controls, and the Unicode line/paragraph separators and bidi
// overrides that reorder or break lines on display.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeForLog(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(/\n(?! {4})/g, "\n    ");
}

/** console.* formatting (errors with stack and cause, objects inspected), then sanitized. */
export function formatLogRecord(args: unknown[]): string {
  return sanitizeForLog(formatWithOptions({ colors: false, depth: 4 }, ...args));
}

type ConsoleMethod = "log" | "info" | "warn" | "error" | "debug";
const INSTALLED = Symbol.for("dockmaster.logSanitizer");

/**
 * Routes console.* through the sanitizer, so the code that logs (ours, Next's, libraries') cannot
 * write a raw control character. Installed once at server start (instrumentation.ts).
 */
export function installLogSanitizer(target: Console = console): void {
  const marked = target as Console & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  for (const method of ["log", "info", "warn", "error", "debug"] as ConsoleMethod[]) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => original(formatLogRecord(args));
  }
}

/** An error record: what failed, then the error in full (stack, cause), sanitized. */
export function logError(what: string, err: unknown): void {
  console.error(formatLogRecord([what, err]));
}
