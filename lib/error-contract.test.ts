import { describe, expect, it, vi } from "vitest";
import { AuthError } from "./auth/enforce";
import { toCallerError } from "./error-contract";
import { InvalidInputError, NotFoundError, UserFacingError } from "./errors";
import { PromotionError } from "./promotion/errors";
import { RegistryError } from "./registry/errors";

describe("the error contract: one status per kind", () => {
  it("maps refusals by kind", () => {
    expect(toCallerError(new InvalidInputError("bad tag", "x y"), "t")).toMatchObject({ status: 400, message: "bad tag" });
    expect(toCallerError(new AuthError(401, "You are not signed in."), "t")).toMatchObject({ status: 401 });
    expect(toCallerError(new AuthError(403, "Not allowed"), "t")).toMatchObject({ status: 403 });
    expect(toCallerError(new NotFoundError("no such thing"), "t")).toMatchObject({ status: 404 });
    expect(toCallerError(new PromotionError("promotion #3 is verified, not awaiting approval"), "t")).toMatchObject({ status: 409 });
    expect(toCallerError(new PromotionError("a rejection needs a reason", "invalid_input"), "t")).toMatchObject({ status: 400 });
  });

  it("answers registry failures 502, timeouts 504, a missing image 404, naming the registry", () => {
    const down = new RegistryError({ kind: "unreachable", registry: "reg.example:5000", message: "registry reg.example:5000 refused the connection for GET /v2/" });
    expect(toCallerError(down, "t")).toEqual({ status: 502, kind: "unreachable", registry: "reg.example:5000", message: down.message });
    const slow = new RegistryError({ kind: "timeout", registry: "reg.example", message: "no answer within 5000 ms" });
    expect(toCallerError(slow, "t")).toMatchObject({ status: 504, message: "registry reg.example: no answer within 5000 ms" });
    expect(toCallerError(new RegistryError({ kind: "unauthorized", registry: "r", message: "registry r rejected the credentials" }), "t")).toMatchObject({ status: 502 });
    expect(toCallerError(new RegistryError({ kind: "not_found", registry: "r", message: "registry r has no manifest app:1" }), "t")).toMatchObject({ status: 404 });
  });

  it("hides anything else behind a request id that the log carries", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const e = toCallerError(new TypeError("Cannot read properties of undefined (reading 'digest')"), "[api] GET /x");
      expect(e).toMatchObject({ status: 500, kind: "internal", message: `internal error (request id ${e.requestId})` });
      expect(String(spy.mock.calls[0]?.[0])).toContain(`request id ${e.requestId}`);
      expect(String(spy.mock.calls[0]?.[0])).toContain("reading 'digest'");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("bundling-safe instance checks", () => {
  // Next bundles server code per layer, so an error may come from another copy of these classes:
  // the same registered brand, a different constructor.
  const fromOtherCopy = (brand: string, kind: string) => Object.assign(new Error("copy"), { [Symbol.for(brand)]: true, [Symbol.for("dockmaster.UserFacingError")]: true, kind });

  it("recognizes a UserFacingError or InvalidInputError from another bundle copy", () => {
    const foreign = fromOtherCopy("dockmaster.UserFacingError", "not_found");
    expect(foreign instanceof UserFacingError).toBe(true);
    expect(toCallerError(foreign, "t")).toMatchObject({ status: 404, message: "copy" });
    expect(fromOtherCopy("dockmaster.InvalidInputError", "invalid_input") instanceof InvalidInputError).toBe(true);
  });

  it("keeps subclasses apart", () => {
    expect(new InvalidInputError("x") instanceof UserFacingError).toBe(true);
    expect(new PromotionError("x") instanceof UserFacingError).toBe(true);
    expect(new UserFacingError("x") instanceof AuthError).toBe(false);
    expect(new PromotionError("x") instanceof InvalidInputError).toBe(false);
    expect(new InvalidInputError("x") instanceof PromotionError).toBe(false);
    expect(new Error("x") instanceof UserFacingError).toBe(false);
  });
});
