/**
 * Turns an environment's `gates.signature` (dockmaster.yaml) into what verification needs: parsed
 * public keys and the Notation trust store's certificates. Done once at start-up, so an unreadable
 * file, a key that is no key or of an unsupported type stops the server naming the config line,
 * instead of surfacing as a failed promotion later.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { envRefName } from "@/lib/config/names";
import type { SignatureGateConfig } from "@/lib/config/schema";
import { parsePublicKey } from "./keys";
import type { SignatureTrust } from "./discover";

type Env = Record<string, string | undefined>;
export type ReportProblem = (path: (string | number)[], message: string) => void;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const looksLikePem = (s: string) => s.trimStart().startsWith("-----BEGIN ");

/**
 * A key or trust store given as inline PEM, as a file path (relative to the config file's folder), or
 * as ${ENV} holding either. Returns the PEM text, or null after reporting why there is none.
 */
function readPem(value: string, at: (string | number)[], options: { env: Env; baseDir: string }, report: ReportProblem): string | null {
  let text = value;
  const ref = envRefName(value);
  if (ref) {
    const fromEnv = options.env[ref];
    if (fromEnv === undefined) {
      report(at, `environment variable ${ref} is not set`);
      return null;
    }
    text = fromEnv;
  }
  if (looksLikePem(text)) return text;
  const file = path.resolve(options.baseDir, text.trim());
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    report(at, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return null;
  }
}

/** The certificates of a PEM bundle; reports and returns none when one does not parse or there are none. */
function parseTrustStore(pem: string, at: (string | number)[], report: ReportProblem): X509Certificate[] {
  const blocks = [...pem.matchAll(PEM_BLOCK)].filter((m) => m[1] === "CERTIFICATE").map((m) => m[0]);
  if (blocks.length === 0) {
    report(at, "the trust store holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    return [];
  }
  const certs: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(block));
    } catch (err) {
      report(at, `certificate ${i + 1} of the trust store does not parse (${(err as Error).message.split("\n")[0]})`);
      return [];
    }
  }
  return certs;
}

/** `at` is the path of gates.signature in the config, for the problems' line numbers. */
export function loadSignatureTrust(config: SignatureGateConfig, at: (string | number)[], options: { env: Env; baseDir: string }, report: ReportProblem): SignatureTrust {
  const trust: SignatureTrust = { keys: [], minSignatures: config.minSignatures };
  for (const [i, k] of config.keys.entries()) {
    const where = [...at, "keys", i, "publicKey"];
    const pem = readPem(k.publicKey, where, options, report);
    if (pem === null) continue;
    try {
      trust.keys.push(parsePublicKey(k.name, pem));
    } catch (err) {
      report(where, `key ${k.name}: ${(err as Error).message}`);
    }
  }
  if (config.notation) {
    const where = [...at, "notation", "trustStore"];
    const pem = readPem(config.notation.trustStore, where, options, report);
    if (pem !== null) trust.notation = { anchors: parseTrustStore(pem, where, report), identities: config.notation.identities };
  }
  return trust;
}
