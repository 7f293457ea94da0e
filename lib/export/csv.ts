/**
 * CSV as RFC 4180 has it (comma separated, CRLF line ends, fields with a comma, quote or line break
 * quoted, quotes doubled), made safe to open in a spreadsheet: a text cell starting with = + - @
 * (or a tab or carriage return, which some spreadsheets skip before reading a formula) is prefixed
 * with ' so it is shown, never evaluated (OWASP "CSV injection"). Numbers are written as they are,
 * so a negative count stays a number.
 */

export type CsvValue = string | number | boolean | null | undefined | Date;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
