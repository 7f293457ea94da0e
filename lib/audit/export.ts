/**
 * Audit export: the filtered audit view as CSV, a JSON array or JSON lines, streamed. Rows are read
 * in keyset batches (id below the last one sent, newest first), one batch per pull of the stream, so
 * memory holds one batch whatever the size of the log, and a slow client slows the reads instead of
 * filling memory (the stream's backpressure).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { csvLine } from "@/lib/export/csv";
import { auditWhere, type AuditFilter } from "./log";

export const exportFormats = ["csv", "json", "ndjson"] as const;
export type ExportFormat = (typeof exportFormats)[number];

const EXPORT_BATCH = 1000;

type Db = Pick<PrismaClient, "auditEvent">;
type AuditRow = Awaited<ReturnType<Db["auditEvent"]["findMany"]>>[number];

const COLUMNS = ["id", "at", "actor_email", "actor_id", "action", "target_type", "target_id", "outcome", "source_ip", "detail"] as const;

function asObject(r: AuditRow) {
  return {
    id: r.id.toString(),
    at: r.at.toISOString(),
    actorEmail: r.actorEmail,
    actorId: r.actorId,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome,
    sourceIp: r.sourceIp,
    detail: r.detail ?? null,
  };
}

/** One CSV row (lib/export/csv.ts: RFC 4180, and no cell a spreadsheet would run as a formula). */
function auditCsvLine(r: AuditRow): string {
  const o = asObject(r);
  return csvLine([o.id, o.at, o.actorEmail, o.actorId, o.action, o.targetType, o.targetId, o.outcome, o.sourceIp, o.detail === null ? null : JSON.stringify(o.detail)]);
}

const FRAMING: Record<ExportFormat, { head: string; row: (r: AuditRow, first: boolean) => string; tail: string; type: string; ext: string }> = {
  csv: { head: `${COLUMNS.join(",")}\r\n`, row: (r) => auditCsvLine(r), tail: "", type: "text/csv; charset=utf-8", ext: "csv" },
  json: { head: "[", row: (r, first) => `${first ? "\n" : ",\n"}${JSON.stringify(asObject(r))}`, tail: "\n]\n", type: "application/json; charset=utf-8", ext: "json" },
  ndjson: { head: "", row: (r) => `${JSON.stringify(asObject(r))}\n`, tail: "", type: "application/x-ndjson; charset=utf-8", ext: "jsonl" },
};

export function exportContentType(format: ExportFormat): string {
  return FRAMING[format].type;
}

export function exportFileName(format: ExportFormat, now = new Date()): string {
  return `dockmaster-audit-${now.toISOString().slice(0, 19).replace(/:/g, "")}Z.${FRAMING[format].ext}`;
}

/** The filter's rows, newest first, a batch at a time (keyset on id: no OFFSET, each batch an index range). */
async function* auditBatches(db: Db, filter: AuditFilter, batchSize = EXPORT_BATCH): AsyncGenerator<AuditRow[]> {
  let before = filter.before;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: auditWhere({ ...filter, before }), orderBy: { id: "desc" }, take: batchSize });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    before = rows[rows.length - 1]!.id;
  }
}

/** The export as a byte stream: the header, one chunk per batch when the reader asks for more, the closing. */
export function auditExportStream(db: Db, filter: AuditFilter, format: ExportFormat, batchSize = EXPORT_BATCH): ReadableStream<Uint8Array> {
  const framing = FRAMING[format];
  const encoder = new TextEncoder();
  const batches = auditBatches(db, filter, batchSize);
  let first = true;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let text = started ? "" : framing.head;
        started = true;
        const next = await batches.next();
        if (next.done) {
          controller.enqueue(encoder.encode(text + framing.tail));
          controller.close();
          return;
        }
        for (const row of next.value) {
          text += framing.row(row, first);
          first = false;
        }
        controller.enqueue(encoder.encode(text));
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    // one batch queued ahead at most: the next read waits for the client
    { highWaterMark: 1 },
  );
}
