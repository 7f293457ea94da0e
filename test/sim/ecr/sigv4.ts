/**
 * Checks an AWS Signature Version 4 Authorization header the way AWS does: rebuild the canonical
 * request from what arrived, derive the signing key from the secret, compare signatures. Written from
 * the published algorithm, independently of the SDK's signer, so the SDK's signing is really tested.
 */
import crypto from "node:crypto";
import type { SimRequest } from "../http-sim";

const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();
const sha256hex = (data: crypto.BinaryLike) => crypto.createHash("sha256").update(data).digest("hex");
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; reason: "missing" | "unknown-key" | "bad-signature" | "malformed"; detail: string };

export function verifySigV4(req: SimRequest, secretFor: (accessKeyId: string) => string | undefined): SigV4Result {
  const auth = String(req.headers.authorization ?? "");
  if (!auth) return { ok: false, reason: "missing", detail: "no Authorization header" };
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, reason: "malformed", detail: `unparseable Authorization header: ${auth.slice(0, 60)}` };
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string, string];
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, reason: "unknown-key", detail: `unknown access key ${accessKeyId}` };
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (!amzDate.startsWith(date)) return { ok: false, reason: "malformed", detail: "x-amz-date does not match the credential scope date" };

  const names = signedHeaders.split(";");
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const query = [...req.url.searchParams.entries()].map(([k, v]) => `${encode(k)}=${encode(v)}`).sort().join("&");
  const path = req.rawPath.split("/").map((s) => encode(decodeURIComponent(s))).join("/") || "/";
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? sha256hex(req.body));
  const canonicalRequest = [req.method, path, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  const expected = hmac(key, stringToSign).toString("hex");
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return { ok: false, reason: "bad-signature", detail: "the request signature we calculated does not match the signature provided" };
  }
  return { ok: true, accessKeyId, region, service };
}
