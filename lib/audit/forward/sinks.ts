/**
 * The configured sinks: mirrored into AuditSink at start-up (the outbox trigger writes one delivery per
 * event and sink row, so a sink receives the events written after it was first configured), and the
 * senders that reach them.
 */
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@/lib/db/generated/client";
import { envRefName } from "@/lib/config/names";
import type { AuditSender } from "./event";
import type { AuditSinkConfig } from "./config";
import { httpSender } from "./http";
import { syslogSender } from "./syslog";

/** Sinks no longer configured are deleted, and their pending deliveries with them. */
export async function syncAuditSinks(prisma: PrismaClient, sinks: readonly AuditSinkConfig[]): Promise<void> {
  await prisma.$transaction(async (tx) => {
    for (const s of sinks) await tx.auditSink.upsert({ where: { name: s.name }, create: { name: s.name, kind: s.type }, update: { kind: s.type } });
    await tx.auditSink.deleteMany({ where: { name: { notIn: sinks.map((s) => s.name) } } });
  });
}

export function auditSenders(sinks: readonly AuditSinkConfig[], env: Record<string, string | undefined> = process.env): Map<string, AuditSender> {
  const senders = new Map<string, AuditSender>();
  for (const s of sinks) {
    if (s.type === "syslog") {
      senders.set(s.name, syslogSender({ url: s.url, appName: s.appName, ...(s.caFile ? { ca: readFileSync(s.caFile, "utf8") } : {}) }));
    } else {
      const secretEnv = envRefName(s.hmacSecret);
      const secret = secretEnv ? env[secretEnv] : undefined;
      if (secretEnv && !secret) throw new Error(`audit sink "${s.name}": hmacSecret names \${${secretEnv}}, which is not set`);
      senders.set(s.name, httpSender({ url: s.url, ...(secret ? { secret } : {}) }));
    }
  }
  return senders;
}
