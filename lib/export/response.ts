/**
 * A download of rows as CSV or JSON, streamed: rows are written as the source yields them, so a
 * long list (every promotion, the whole drift matrix) never sits in memory as one string. The
 * caller has checked permissions before building the response; nothing here decides access.
 */
import { csvLine, type CsvValue } from "./csv";

export type ExportFormat = "csv" | "json";

export interface ExportColumn<R> {
  header: string;
  value: (row: R) => CsvValue;
}

/** RFC 6266: an ASCII fallback name plus the exact name in RFC 5987 encoding. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Safe for a file name: letters, digits, dot, dash and underscore; anything else becomes a dash. */
export function fileSlug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "export";
}

function rowObject<R>(columns: readonly ExportColumn<R>[], row: R): Record<string, CsvValue> {
  const out: Record<string, CsvValue> = {};
  for (const c of columns) {
    const v = c.value(row);
    out[c.header] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/** The body's text pieces, in order: a header line then one line per row (CSV), or a JSON array. */
export async function* exportChunks<R>(format: ExportFormat, columns: readonly ExportColumn<R>[], rows: AsyncIterable<R> | Iterable<R>): AsyncGenerator<string> {
  if (format === "csv") {
    yield csvLine(columns.map((c) => c.header));
    for await (const row of rows) yield csvLine(columns.map((c) => c.value(row)));
    return;
  }
  yield "[";
  let first = true;
  for await (const row of rows) {
    yield `${first ? "\n" : ",\n"}${JSON.stringify(rowObject(columns, row))}`;
    first = false;
  }
  yield "\n]\n";
}

export function exportResponse<R>(o: { format: ExportFormat; filename: string; columns: readonly ExportColumn<R>[]; rows: AsyncIterable<R> | Iterable<R> }): Response {
  const encoder = new TextEncoder();
  const chunks = exportChunks(o.format, o.columns, o.rows);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        // the status line is sent already: abort the body, so the download fails instead of ending short
        console.error(`[export] ${o.filename}: ${(err as Error).message}`);
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const filename = `${o.filename}.${o.format}`;
  return new Response(body, {
    headers: {
      "content-type": o.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": contentDisposition(filename),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
