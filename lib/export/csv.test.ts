import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";
import { contentDisposition, exportChunks, exportResponse, fileSlug, type ExportColumn } from "./response";

describe("CSV cells", () => {
  it("quotes fields with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
  });

  it.each(["=1+1", "+1", "-2", "@SUM(A1)", "\t=cmd", "=HYPERLINK(\"http://x\")"])("neutralises the formula start of %j with a leading quote", (text) => {
    const cell = csvCell(text);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    expect(unquoted).toBe(`'${text}`);
  });

  it("writes numbers, booleans, dates and empty values as values, not formulas", () => {
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(1.5)).toBe("1.5");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(new Date("2026-11-30T10:00:00Z"))).toBe("2026-11-30T10:00:00.000Z");
  });

  it("ends each line with CRLF", () => {
    expect(csvLine(["a", 1, "b,c"])).toBe('a,1,"b,c"\r\n');
  });
});

interface Row {
  id: string;
  n: number;
}
const columns: ExportColumn<Row>[] = [
  { header: "id", value: (r) => r.id },
  { header: "count", value: (r) => r.n },
];
async function text(gen: AsyncIterable<string>) {
  let out = "";
  for await (const c of gen) out += c;
  return out;
}
async function* slowly(rows: Row[]) {
  for (const r of rows) {
    await new Promise((res) => setTimeout(res, 1));
    yield r;
  }
}

describe("export bodies", () => {
  const rows = [
    { id: "=evil", n: 1 },
    { id: "ok", n: -2 },
  ];

  it("CSV: a header line, then one line per row", async () => {
    expect(await text(exportChunks("csv", columns, rows))).toBe("id,count\r\n'=evil,1\r\nok,-2\r\n");
  });

  it("JSON: an array of objects keyed by header, valid JSON also when empty", async () => {
    expect(JSON.parse(await text(exportChunks("json", columns, rows)))).toEqual([{ id: "=evil", count: 1 }, { id: "ok", count: -2 }]);
    expect(JSON.parse(await text(exportChunks("json", columns, [])))).toEqual([]);
  });

  it("streams from an async source, with download headers", async () => {
    const res = exportResponse({ format: "csv", filename: "findings-team-api", columns, rows: slowly(rows) });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="findings-team-api.csv"; filename*=UTF-8''findings-team-api.csv`);
    expect(await res.text()).toBe("id,count\r\n'=evil,1\r\nok,-2\r\n");
  });

  it("a source that fails midway fails the download instead of ending it short", async () => {
    async function* broken() {
      yield { id: "a", n: 1 };
      throw new Error("database went away");
    }
    const res = exportResponse({ format: "csv", filename: "x", columns, rows: broken() });
    await expect(res.text()).rejects.toThrow(/database went away/);
  });

  it("file names: ASCII fallback plus the exact UTF-8 name; slugs keep only safe characters", () => {
    expect(contentDisposition('scan "ü".csv')).toBe(`attachment; filename="scan ___.csv"; filename*=UTF-8''scan%20%22%C3%BC%22.csv`);
    expect(fileSlug("team/api@sha256:abc")).toBe("team-api-sha256-abc");
    expect(fileSlug("///")).toBe("export");
  });
});
