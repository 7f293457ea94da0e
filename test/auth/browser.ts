import NextAuth, { type AuthOptions } from "next-auth";

/**
 * A browser's cookie jar driving next-auth's real handlers in-process: sign-in posts the
 * credentials form with a CSRF token, sign-out posts the sign-out form, exactly as
 * /api/auth/[...nextauth] would, so the session cookie is the one a real browser would hold.
 * (Next's request plumbing is the only thing left out: there is no HTTP server here.)
 */
export class Browser {
  cookies: Record<string, string> = {};

  constructor(
    readonly ip: string,
    private readonly options: () => Promise<AuthOptions>,
  ) {}

  /** A second browser holding a copy of this one's cookies: a stolen or copied session. */
  copy(ip = "203.0.113.66"): Browser {
    const other = new Browser(ip, this.options);
    other.cookies = { ...this.cookies };
    return other;
  }

  get sessionCookie(): string | undefined {
    return this.cookies["next-auth.session-token"];
  }

  /** The request next-auth sees (getServerSession's req form). */
  request() {
    return { headers: { host: "localhost:3000", "x-forwarded-for": this.ip }, cookies: { ...this.cookies } };
  }

  async signIn(email: string, password: string): Promise<boolean> {
    const csrfToken = await this.csrf();
    await this.call("POST", ["callback", "credentials"], { csrfToken, email, password, json: "true" });
    return !!this.sessionCookie;
  }

  async signOut(): Promise<void> {
    const csrfToken = await this.csrf();
    await this.call("POST", ["signout"], { csrfToken, json: "true" });
  }

  private async csrf(): Promise<string> {
    const res = await this.call("GET", ["csrf"]);
    return (res.body as { csrfToken: string }).csrfToken;
  }

  private async call(method: "GET" | "POST", nextauth: string[], body?: Record<string, string>) {
    const res = new FakeResponse();
    const req = { ...this.request(), method, body, query: { nextauth } };
    await NextAuth(req as never, res as never, await this.options());
    for (const line of res.setCookies()) {
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const [name, value] = [pair!.slice(0, pair!.indexOf("=")), decodeURIComponent(pair!.slice(pair!.indexOf("=") + 1))];
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)) <= new Date()));
      if (expired || value === "") delete this.cookies[name];
      else this.cookies[name] = value;
    }
    return res;
  }
}

class FakeResponse {
  statusCode = 200;
  headers = new Map<string, unknown>();
  body: unknown;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: unknown) {
    this.headers.set(name.toLowerCase(), value);
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  setCookies(): string[] {
    const v = this.headers.get("set-cookie");
    return v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
  }
  end() {}
  json(body: unknown) {
    this.body = body;
  }
  send(body: unknown) {
    this.body = typeof body === "string" ? safeJson(body) : body;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
