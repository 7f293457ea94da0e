import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Registry secrets entered in the UI are sealed with AES-256-GCM under DOCKMASTER_SECRET_KEY.
 * The stored form names the key by a short fingerprint, so a rotated or wrong key gives a clear
 * error instead of a GCM authentication failure nobody can interpret.
 */
const VERSION = "v1";

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

export function parseSecretKey(raw: string | undefined): Buffer {
  if (!raw) {
    throw new SecretKeyError(
      "DOCKMASTER_SECRET_KEY is not set: Dockmaster refuses to store registry secrets without an encryption key. " +
        "Generate one with: openssl rand -base64 32",
    );
  }
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new SecretKeyError(
      `DOCKMASTER_SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (got ${key.length} bytes)`,
    );
  }
  return key;
}

function fingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

export function encryptSecret(plaintext: string, rawKey = process.env.DOCKMASTER_SECRET_KEY): string {
  const key = parseSecretKey(rawKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, fingerprint(key), iv.toString("base64"), tag.toString("base64"), ct.toString("base64")].join(":");
}

export function decryptSecret(sealed: string, rawKey = process.env.DOCKMASTER_SECRET_KEY): string {
  const key = parseSecretKey(rawKey);
  const [version, fp, iv, tag, ct] = sealed.split(":");
  if (version !== VERSION || !fp || !iv || !tag || ct === undefined) {
    throw new SecretKeyError("stored secret is not in a format this version of Dockmaster understands");
  }
  if (fp !== fingerprint(key)) {
    throw new SecretKeyError(
      `stored secret was encrypted with a different DOCKMASTER_SECRET_KEY (key fingerprint ${fp}, current ${fingerprint(key)})`,
    );
  }
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError("stored secret failed its integrity check: it was altered or corrupted");
  }
}
