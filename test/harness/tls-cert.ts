/**
 * A self-signed certificate for 127.0.0.1, made by `openssl` (node:crypto cannot issue x509), so tests
 * can run an https server on loopback and a client can trust exactly it through its CA option.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "./temp-dir";

export interface LoopbackCertificate {
  keyPem: string;
  certPem: string;
}

export function loopbackCertificate(): LoopbackCertificate {
  const dir = makeTempDir("tls");
  try {
    const keyPath = path.join(dir, "key.pem");
    const certPath = path.join(dir, "cert.pem");
    const result = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`openssl could not create a loopback certificate: ${result.stderr || result.error?.message}`);
    return { keyPem: fs.readFileSync(keyPath, "utf8"), certPem: fs.readFileSync(certPath, "utf8") };
  } finally {
    removeDir(dir);
  }
}
