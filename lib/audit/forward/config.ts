/**
 * The `audit:` section of dockmaster.yaml: where every audit event is also delivered (issue 15).
 *
 *   audit:
 *     forward:
 *       - { name: siem, type: syslog, url: "tls://siem.example.com:6514", caFile: /etc/ssl/siem-ca.pem }
 *       - { name: lake, type: http, url: "https://audit.example.com/ingest", hmacSecret: "${AUDIT_HMAC}" }
 *
 * Each sink gets every event written after it was first configured, in order, at least once. When one
 * has failed for `alertAfterMinutes`, its audit_forwarding probe fails and the alert rules open an alert.
 */
import { z } from "zod";
import { configName, ENV_REF } from "@/lib/config/names";

const DEFAULT_ALERT_AFTER_MINUTES = 5;

const common = {
  name: configName,
  alertAfterMinutes: z.number().int().min(1).max(1440).default(DEFAULT_ALERT_AFTER_MINUTES),
};

const syslogSink = z.strictObject({
  ...common,
  type: z.literal("syslog"),
  /** tcp://host:port (RFC 6587 octet counting) or tls://host:port (RFC 5425) */
  url: z
    .string()
    .refine((u) => URL.canParse(u) && /^(tcp|tls):$/.test(new URL(u).protocol) && !!new URL(u).port, "must be tcp://host:port or tls://host:port"),
  /** PEM file of the CA that signed the receiver's certificate (tls only); else the system's CAs */
  caFile: z.string().min(1).optional(),
  /** APP-NAME of each message */
  appName: z.string().regex(/^[!-~]{1,48}$/, "must be 1-48 printable ASCII characters without spaces").default("dockmaster"),
});

const httpSink = z.strictObject({
  ...common,
  type: z.literal("http"),
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** ${ENV}: signs each body; sent as X-Dockmaster-Signature: sha256=<hex HMAC> */
  hmacSecret: z.string().regex(ENV_REF, "must be an environment variable reference like ${AUDIT_HMAC}, not a plaintext secret").optional(),
});

export const auditSink = z.discriminatedUnion("type", [syslogSink, httpSink]);

export const auditConfig = z
  .strictObject({ forward: z.array(auditSink).default([]) })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.forward.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: ["forward", i, "name"], message: `duplicate audit sink name "${s.name}"` });
      seen.add(s.name);
      if (s.type === "syslog" && s.caFile && new URL(s.url).protocol !== "tls:") ctx.addIssue({ code: "custom", path: ["forward", i, "caFile"], message: "applies to tls:// sinks only" });
    });
  });

export type AuditConfig = z.output<typeof auditConfig>;
export type AuditSinkConfig = z.output<typeof auditSink>;
