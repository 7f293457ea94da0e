import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditExportStream } from "@/lib/audit/export";
import { csvCell } from "@/lib/export/csv";
import { openTestDatabase, type TestDatabase } from "../support/db";

// The export on the machine's PostgreSQL with 200,000 audit rows of about 700 bytes each: it must
// stream them all while the heap grows by far less than the output (one batch at a time).
const ROWS = 200_000;
let db: TestDatabase;

// a collection before each sample, so the figure is what is still held, not garbage not yet collected
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

async function drain(stream: ReadableStream<Uint8Array>, onChunk: (text: string) => void = () => {}): Promise<{ bytes: number; peakMb: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let peakMb = 0;
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    onChunk(decoder.decode(value, { stream: true }));
    // sampling each 20th batch keeps the forced collections from dominating the run
    if (++chunks % 20 === 0) peakMb = Math.max(peakMb, heapMb());
  }
  return { bytes, peakMb };
}

beforeAll(async () => {
  db = await openTestDatabase("postgres", { migrate: true });
  // seeded in SQL: the point is the export's memory, not the seeding's
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO "AuditEvent" ("at", "actorEmail", "action", "targetType", "targetId", "outcome", "sourceIp", "detail")
    SELECT now() - (g || ' seconds')::interval,
           CASE WHEN g % 2 = 0 THEN 'even@x.io' ELSE 'odd@x.io' END,
           CASE WHEN g % 10 = 0 THEN 'promotion.approve' ELSE 'registry.update' END,
           'registry', 'reg-' || g, 'success', '192.0.2.' || (g % 250),
           jsonb_build_object('n', g, 'note', repeat('x', 560))
    FROM generate_series(1, ${ROWS}) AS g`);
}, 300_000);

afterAll(async () => {
  await db?.dispose();
});

describe("audit export at scale (PostgreSQL)", () => {
  it(`streams ${ROWS.toLocaleString("en")} rows as CSV with bounded heap growth`, async () => {
    const before = heapMb();
    let lines = 0;
    let firstLine = "";
    const { bytes, peakMb } = await drain(auditExportStream(db.prisma, {}, "csv"), (text) => {
      if (!firstLine) firstLine = text.slice(0, text.indexOf("\r\n"));
      lines += text.split("\r\n").length - 1;
    });
    const growthMb = peakMb - before;
    console.log(`[audit export] ${ROWS} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB of CSV, heap before ${before.toFixed(1)} MiB, peak growth ${growthMb.toFixed(1)} MiB`);
    expect(firstLine).toBe("id,at,actor_email,actor_id,action,target_type,target_id,outcome,source_ip,detail");
    expect(lines).toBe(ROWS + 1);
    expect(bytes).toBeGreaterThan(120 * 1024 * 1024);
    // holding the rows would take several times the output; one batch of 1000 rows is a few MiB
    expect(growthMb).toBeLessThan(40);
  }, 600_000);

  it("exports only the filtered rows, newest first, as a JSON array", async () => {
    let text = "";
    await drain(auditExportStream(db.prisma, { action: "promotion.approve", actor: "even@" }, "json", 500), (t) => (text += t));
    const rows = JSON.parse(text) as { id: string; action: string; actorEmail: string }[];
    // every 10th row is an approval, and those are all even
    expect(rows).toHaveLength(ROWS / 10);
    expect(rows.every((r) => r.action === "promotion.approve" && r.actorEmail === "even@x.io")).toBe(true);
    const ids = rows.map((r) => BigInt(r.id));
    expect(ids.every((id, i) => i === 0 || id < ids[i - 1]!)).toBe(true);
  }, 300_000);
});

describe("CSV cells", () => {
  it("neutralises spreadsheet formulas and quotes what needs quoting", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\",\"x\")")).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("alice@x.io")).toBe("alice@x.io");
    expect(csvCell(null)).toBe("");
  });
});
