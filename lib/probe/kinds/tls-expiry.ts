import { isIP } from "node:net";
import tls from "node:tls";
import { z } from "zod";
import { UNSUPPORTED } from "../types";
import { defineProbeKind } from "./spec";

const DAY_MS = 86_400_000;

interface PeerCertificate {
  validTo: Date;
  subject: string;
  issuer: string;
  authorized: boolean;
  authorizationError?: string;
}

/** Handshake only: the certificate is read even when untrusted, so expiry is reported either way. */
function peerCertificate(url: URL, timeoutMs: number, caPem?: string): Promise<PeerCertificate> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      ...(caPem ? { ca: caPem } : {}),
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`TLS handshake with ${url.host} did not complete within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    socket.once("error", reject);
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      if (!cert || !cert.valid_to) return reject(new Error(`${url.host} presented no certificate`));
      resolve({
        validTo: new Date(cert.valid_to),
        subject: String(cert.subject?.CN ?? ""),
        issuer: String(cert.issuer?.CN ?? ""),
        authorized: socket.authorized,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
      });
    });
  });
}

/** Days until the registry's TLS certificate expires; an expired or untrusted certificate is a failure. */
export const tlsExpiry = defineProbeKind({
  kind: "tls_expiry",
  label: "TLS certificate",
  registry: "or-url",
  params: z.strictObject({
    /** https://host:port to check instead of the registry's URL */
    url: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
  }),
  form: [{ name: "url", label: "Or check this https:// URL", placeholder: "https://registry.example.com", input: "url" }],
  alerts: ["consecutive_failures", "cert_expiry_days"],
  async run(target, params, ctx) {
    const conn = target.registryName ? await ctx.connection(target.registryName) : undefined;
    const url = new URL(params.url ?? conn!.url);
    if (url.protocol !== "https:") {
      return { ok: false, errorClass: UNSUPPORTED, message: `${url.host} is served over plain http: there is no certificate to check` };
    }
    const cert = await peerCertificate(url, target.timeoutMs, conn?.tls?.caPem);
    const daysLeft = Math.round(((cert.validTo.getTime() - Date.now()) / DAY_MS) * 10) / 10;
    const detail = { validTo: cert.validTo.toISOString(), subject: cert.subject, issuer: cert.issuer, daysLeft, trusted: cert.authorized };
    if (daysLeft <= 0) return { ok: false, errorClass: "expired", value: daysLeft, message: `the certificate of ${url.host} expired on ${cert.validTo.toISOString().slice(0, 10)}`, detail };
    if (!cert.authorized && !conn?.tls?.insecureSkipVerify) {
      return { ok: false, errorClass: "untrusted", value: daysLeft, message: `the certificate of ${url.host} is not trusted (${cert.authorizationError ?? "unknown reason"}); clients will refuse it`, detail };
    }
    return { ok: true, value: daysLeft, detail };
  },
});
