/**
 * Talks to a running Dockmaster over plain HTTP the way a browser would: next-auth's credentials
 * flow (csrf token, then the callback) and a cookie jar, so page timings include the real session
 * and permission checks every page performs.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { performance } from "node:perf_hooks";

export class AppSession {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async signIn(email: string, password: string): Promise<void> {
    const csrfRes = await fetch(`${this.baseUrl}/api/auth/csrf`, { headers: { cookie: this.cookieHeader() } });
    this.remember(csrfRes);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const res = await fetch(`${this.baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookieHeader() },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${this.baseUrl}/`, json: "true" }),
    });
    this.remember(res);
    await res.arrayBuffer();
    if (![...this.cookies.keys()].some((k) => k.includes("session-token"))) {
      throw new Error(`sign-in as ${email} failed: status ${res.status}, no session cookie`);
    }
  }

  /** GET with the session; the time covers the whole response body (server time + loopback). */
  async timedGet(path: string): Promise<{ status: number; ms: number; html: string }> {
    const started = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, { redirect: "manual", headers: { cookie: this.cookieHeader() } });
    const html = await res.text();
    return { status: res.status, ms: performance.now() - started, html };
  }
}

/** `next build` into the benchmark's own dist dir (never the shared `.next`). */
export async function buildApp(distDir: string, logFile: string): Promise<number> {
  const started = performance.now();
  const out = fs.openSync(logFile, "w");
  const child = spawn("npx", ["next", "build"], { env: { ...process.env, DOCKMASTER_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", out, out] });
  const code: number = await new Promise((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  fs.closeSync(out);
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see ${logFile}:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
  return performance.now() - started;
}
