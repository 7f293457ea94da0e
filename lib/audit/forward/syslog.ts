/**
 * Syslog delivery: RFC 5424 messages over TCP with RFC 6587 octet-counting framing, or over TLS as
 * RFC 5425 specifies (the same framing). Facility 13 ("log audit"); severity notice for successes,
 * warning for failures and denials, so a SIEM can route refused access on the severity alone.
 *
 * Syslog has no acknowledgement: a batch counts as delivered once the kernel took every byte. A
 * connection the receiver closed is noticed (its "end") and re-opened before the next batch, which
 * closes all but a sub-second window in which a receiver dying mid-batch can lose what it had not yet
 * read; an HTTP sink, which answers, has no such window.
 */
import net from "node:net";
import os from "node:os";
import tls from "node:tls";
import type { AuditSender, ForwardedEvent } from "./event";

const FACILITY_AUDIT = 13;
const SEVERITY = { notice: 5, warning: 4 } as const;
/** the private enterprise number IANA reserves for documentation (RFC 5612): no number is registered for Dockmaster */
const SD_ID = "audit@32473";
const CONNECT_TIMEOUT_MS = 10_000;

/** PRINTUSASCII, at most `max` characters, "-" when empty (RFC 5424 §6.2) */
function header(value: string | null | undefined, max: number): string {
  const clean = (value ?? "").replace(/[^!-~]/g, "_").slice(0, max);
  return clean || "-";
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): ", \ and ] are escaped */
const param = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

export function syslogMessage(e: ForwardedEvent, o: { appName: string; hostname?: string; procId?: string }): string {
  const severity = e.outcome === "success" ? SEVERITY.notice : SEVERITY.warning;
  const sd = [
    `id="${param(e.id)}"`,
    `action="${param(e.action)}"`,
    `outcome="${param(e.outcome)}"`,
    ...(e.actor.email ? [`actor="${param(e.actor.email)}"`] : []),
    ...(e.target.type ? [`targetType="${param(e.target.type)}"`] : []),
    ...(e.target.id ? [`targetId="${param(e.target.id)}"`] : []),
    ...(e.sourceIp ? [`sourceIp="${param(e.sourceIp)}"`] : []),
  ].join(" ");
  // MSG is the whole event as JSON, UTF-8 with the BOM RFC 5424 asks for
  return `<${FACILITY_AUDIT * 8 + severity}>1 ${e.at} ${header(o.hostname ?? os.hostname(), 255)} ${header(o.appName, 48)} ${header(o.procId ?? String(process.pid), 128)} ${header(e.action, 32)} [${SD_ID} ${sd}] \uFEFF${JSON.stringify(e)}`;
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message */
export function frame(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}

export function syslogSender(o: { url: string; appName: string; ca?: string }): AuditSender {
  const url = new URL(o.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port);
  let socket: net.Socket | null = null;
  let broken: Error | null = null;

  const open = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`syslog ${url.host}: ${err.message}`));
      const s =
        url.protocol === "tls:"
          ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(o.ca ? { ca: o.ca } : {}) }, () => ready())
          : net.connect({ host, port }, () => ready());
      const timer = setTimeout(() => (s.destroy(), reject(new Error(`syslog ${url.host}: no connection within ${CONNECT_TIMEOUT_MS / 1000} s`))), CONNECT_TIMEOUT_MS);
      const ready = () => {
        clearTimeout(timer);
        s.off("error", onError);
        broken = null;
        // the receiver hung up or the connection failed: the next batch re-connects
        const lost = (err?: Error) => {
          broken = err ?? new Error("closed by the receiver");
          if (socket === s) socket = null;
          s.destroy();
        };
        s.on("error", lost);
        s.on("end", () => lost());
        s.on("close", () => lost());
        resolve(s);
      };
      s.once("error", (err) => (clearTimeout(timer), onError(err)));
    });

  return {
    async send(events) {
      if (!events.length) return;
      const s = socket ?? (socket = await open());
      const data = events.map((e) => frame(syslogMessage(e, { appName: o.appName }))).join("");
      await new Promise<void>((resolve, reject) => {
        s.write(data, (err) => (err ? reject(new Error(`syslog ${url.host}: ${err.message}`)) : resolve()));
      });
      if (broken) throw new Error(`syslog ${url.host}: ${broken.message}`);
    },
    async close() {
      const s = socket;
      socket = null;
      if (s) await new Promise<void>((r) => s.end(() => r()));
    },
  };
}
