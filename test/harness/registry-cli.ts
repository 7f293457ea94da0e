/**
 * Runs a seeded test registry from the command line until interrupted, e.g. for Playwright's
 * webServer or poking at the UI by hand:
 *   node --import tsx test/harness/registry-cli.ts [--auth htpasswd] [--no-seed]
 * Prints one JSON line {url, host, dir, pid, users, seeded} once it is ready.
 */
import { createOciProvider } from "../../lib/registry/oci/provider";
import { startRegistry } from "./registry";
import { seedStandardImages } from "./seed";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const auth = args.includes("--auth") && args[args.indexOf("--auth") + 1] === "htpasswd" ? "htpasswd" : "none";
  const registry = await startRegistry({ auth });
  let seeded: unknown = null;
  if (!args.includes("--no-seed")) {
    const user = registry.users[0];
    const provider = createOciProvider({
      name: "seed",
      url: registry.url,
      auth: auth === "htpasswd" && user ? { kind: "basic", username: user.username, password: user.password } : { kind: "anonymous" },
    });
    const result = await seedStandardImages(provider);
    await provider.close();
    seeded = {
      single: `${result.single.repository}@${result.single.digest}`,
      multiArch: `${result.multiArch.repository}@${result.multiArch.digest}`,
      docker: `${result.docker.repository}@${result.docker.digest}`,
      signed: `${result.signed.repository}@${result.signed.digest}`,
    };
  }
  process.stdout.write(`${JSON.stringify({ url: registry.url, host: registry.host, dir: registry.dir, pid: registry.pid, users: registry.users, seeded })}\n`);
  const shutdown = () => void registry.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  setInterval(() => undefined, 1 << 30);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
