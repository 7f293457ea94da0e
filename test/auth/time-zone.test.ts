import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/lib/audit/log";
import { chooseZone, cookieValue, setUserTimeZone } from "@/lib/auth/time-zone";
import { createUser } from "@/lib/auth/users";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

describe("chooseZone", () => {
  it("prefers the stored choice, then the browser's zone, then UTC", () => {
    expect(chooseZone("Asia/Tokyo", "Europe/Berlin")).toEqual({ zone: "Asia/Tokyo", stored: "Asia/Tokyo" });
    expect(chooseZone(null, "Europe/Berlin")).toEqual({ zone: "Europe/Berlin", stored: null });
    expect(chooseZone(null, undefined)).toEqual({ zone: "UTC", stored: null });
  });

  it("ignores zones the runtime does not know, stored or sent by a browser", () => {
    expect(chooseZone("Mars/Base", "Europe/Berlin")).toEqual({ zone: "Europe/Berlin", stored: null });
    expect(chooseZone(null, "<script>")).toEqual({ zone: "UTC", stored: null });
  });
});

describe("cookieValue", () => {
  it("reads the browser's zone from the Cookie header, decoded", () => {
    expect(cookieValue("a=1; dm-tz=America%2FNew_York; b=2", "dm-tz")).toBe("America/New_York");
    expect(cookieValue("xdm-tz=UTC", "dm-tz")).toBeNull();
    expect(cookieValue(null, "dm-tz")).toBeNull();
    expect(cookieValue("dm-tz=%E0%A4%A", "dm-tz")).toBeNull();
  });
});

describe.each(dbKinds)("a person's time zone on %s", (kind) => {
  let db: TestDatabase;
  const ctx = { actor: { id: null, email: "admin@x.io" }, ip: "192.0.2.1" };
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("is stored, changed back to the browser's, and audited each time", async () => {
    const user = await createUser(db.prisma, ctx, { email: "tz@x.io", password: "correct horse battery", grants: [] });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).timeZone).toBeNull();
    await setUserTimeZone(db.prisma, ctx, user.id, "Asia/Tokyo");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).timeZone).toBe("Asia/Tokyo");
    await setUserTimeZone(db.prisma, ctx, user.id, null);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).timeZone).toBeNull();
    const { rows } = await listAudit(db.prisma, { action: "user.timezone.change" });
    expect(rows.map((r) => r.detail)).toEqual([
      { before: "Asia/Tokyo", after: "browser" },
      { before: "browser", after: "Asia/Tokyo" },
    ]);
  });

  it("refuses a zone that does not exist, and stores nothing", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "tz@x.io" } });
    await expect(setUserTimeZone(db.prisma, ctx, user.id, "Mars/Base")).rejects.toThrow('unknown time zone "Mars/Base"');
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).timeZone).toBeNull();
  });
});
