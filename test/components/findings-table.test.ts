import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FindingsTable } from "@/components/scans/findings-table";
import type { Finding } from "@/lib/scan/model";

// Scan reports come from the registry and from whoever pushed a Trivy referrer: their links are
// data chosen by the pusher, and only plain web links may become clickable.
const finding = (id: string, links: string[]): Finding => ({ id, severity: "high", package: "openssl", links });

function render(findings: Finding[]): string {
  return renderToStaticMarkup(createElement(FindingsTable, { findings }));
}

describe("findings table links", () => {
  it("links a finding to its first http(s) reference", () => {
    const html = render([finding("CVE-2024-0001", ["https://nvd.nist.gov/vuln/detail/CVE-2024-0001"])]);
    expect(html).toContain('href="https://nvd.nist.gov/vuln/detail/CVE-2024-0001"');
  });

  it("never renders data:, javascript: or other non-web URLs as links", () => {
    const hostile = [
      "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
      "javascript:alert(document.cookie)",
      "JaVaScRiPt:alert(1)",
      " javascript:alert(1)",
      "\tjavascript:alert(1)",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "//evil.example/x",
      "/relative/path",
      "not a url",
    ];
    const html = render(hostile.map((l, i) => finding(`CVE-2024-100${i}`, [l])));
    expect(html).not.toContain("<a ");
    for (let i = 0; i < hostile.length; i++) expect(html).toContain(`CVE-2024-100${i}`);
  });

  it("skips hostile links and uses the first web link after them", () => {
    const html = render([finding("CVE-2024-0002", ["javascript:alert(1)", "data:,x", "http://security-tracker.debian.org/tracker/CVE-2024-0002"])]);
    expect(html).toContain('href="http://security-tracker.debian.org/tracker/CVE-2024-0002"');
    expect(html).not.toMatch(/href="(javascript|data):/i);
  });
});
