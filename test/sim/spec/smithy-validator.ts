/**
 * Checks JSON documents against a Smithy 2.0 JSON AST model the way the AWS JSON 1.1 protocol
 * serialises them: structures are objects with only their modelled members (required ones present),
 * lists are arrays, maps are objects, enums take only their modelled values, timestamps are epoch
 * seconds, blobs base64, and the length/range/pattern traits hold. Used on every ECR simulator response,
 * in addition to the real @aws-sdk/client-ecr deserialising them, and on every request the simulator
 * receives (the service refuses input outside the model's constraints, the SDK does not check them).
 */

interface ShapeRef {
  target: string;
  traits?: Record<string, unknown>;
}

interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  traits?: Record<string, unknown>;
}

export interface SmithyModel {
  shapes: Record<string, Shape>;
}

const PRELUDE: Record<string, string> = {
  "smithy.api#String": "string",
  "smithy.api#Boolean": "boolean",
  "smithy.api#PrimitiveBoolean": "boolean",
  "smithy.api#Integer": "integer",
  "smithy.api#PrimitiveInteger": "integer",
  "smithy.api#Long": "long",
  "smithy.api#PrimitiveLong": "long",
  "smithy.api#Float": "float",
  "smithy.api#Double": "double",
  "smithy.api#Timestamp": "timestamp",
  "smithy.api#Blob": "blob",
  "smithy.api#Document": "document",
  "smithy.api#Unit": "structure",
};

export function createSmithyValidator(model: SmithyModel, namespace: string) {
  const shapeOf = (id: string): Shape => {
    const prelude = PRELUDE[id];
    if (prelude) return { type: prelude, ...(prelude === "structure" ? { members: {} } : {}) };
    const shape = model.shapes[id];
    if (!shape) throw new Error(`the model has no shape ${id}`);
    return shape;
  };

  function check(id: string, value: unknown, path: string, problems: string[]): void {
    const shape = shapeOf(id);
    const traits = shape.traits ?? {};
    const name = id.split("#")[1] ?? id;
    const fail = (msg: string): void => void problems.push(`${path || "(root)"}: ${msg} (${name})`);
    switch (shape.type) {
      case "structure": {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`expected an object, got ${JSON.stringify(value)?.slice(0, 40)}`);
        const members = shape.members ?? {};
        for (const [k, v] of Object.entries(value)) {
          const member = members[k];
          if (!member) fail(`member "${k}" is not in the model`);
          else if (v !== null) check(member.target, v, `${path}.${k}`, problems);
        }
        for (const [k, m] of Object.entries(members)) {
          if (m.traits && "smithy.api#required" in m.traits && !(k in value)) fail(`required member "${k}" is missing`);
        }
        return;
      }
      case "union": {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("expected an object");
        const set = Object.entries(value).filter(([, v]) => v !== null);
        if (set.length !== 1) return fail(`a union needs exactly one member set, got ${set.length}`);
        const [k, v] = set[0]!;
        const member = shape.members?.[k];
        if (!member) return fail(`member "${k}" is not in the model`);
        return check(member.target, v, `${path}.${k}`, problems);
      }
      case "list":
      case "set": {
        if (!Array.isArray(value)) return fail("expected an array");
        checkLength(traits, value.length, fail);
        value.forEach((item, i) => check(shape.member!.target, item, `${path}[${i}]`, problems));
        return;
      }
      case "map": {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("expected an object");
        checkLength(traits, Object.keys(value).length, fail);
        for (const [k, v] of Object.entries(value)) {
          check(shape.key!.target, k, `${path}{key ${k}}`, problems);
          check(shape.value!.target, v, `${path}.${k}`, problems);
        }
        return;
      }
      case "string": {
        if (typeof value !== "string") return fail(`expected a string, got ${typeof value}`);
        checkLength(traits, value.length, fail);
        const pattern = traits["smithy.api#pattern"];
        if (typeof pattern === "string" && !new RegExp(pattern, "u").test(value)) fail(`"${value}" does not match ${pattern}`);
        const legacyEnum = traits["smithy.api#enum"] as Array<{ value: string }> | undefined;
        if (legacyEnum && !legacyEnum.some((e) => e.value === value)) fail(`"${value}" is not one of the enum values`);
        return;
      }
      case "enum": {
        const allowed = Object.entries(shape.members ?? {}).map(([k, m]) => (m.traits?.["smithy.api#enumValue"] as string | undefined) ?? k);
        if (typeof value !== "string" || !allowed.includes(value)) fail(`${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
        return;
      }
      case "intEnum": {
        const allowed = Object.values(shape.members ?? {}).map((m) => m.traits?.["smithy.api#enumValue"]);
        if (!allowed.includes(value)) fail(`${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
        return;
      }
      case "byte":
      case "short":
      case "integer":
      case "long": {
        if (typeof value !== "number" || !Number.isInteger(value)) return fail(`expected an integer, got ${JSON.stringify(value)}`);
        checkRange(traits, value, fail);
        return;
      }
      case "float":
      case "double":
      case "bigDecimal": {
        if (typeof value !== "number") return fail(`expected a number, got ${JSON.stringify(value)}`);
        checkRange(traits, value, fail);
        return;
      }
      case "boolean":
        if (typeof value !== "boolean") fail(`expected a boolean, got ${JSON.stringify(value)}`);
        return;
      case "timestamp": {
        const format = traits["smithy.api#timestampFormat"] ?? "epoch-seconds";
        if (format === "epoch-seconds" ? typeof value !== "number" : typeof value !== "string") fail(`expected a ${format} timestamp, got ${JSON.stringify(value)}`);
        return;
      }
      case "blob":
        if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) fail("expected base64 text");
        return;
      case "document":
        return;
      default:
        fail(`unsupported shape type ${shape.type}`);
    }
  }

  const operation = (name: string): Shape => {
    const op = model.shapes[`${namespace}#${name}`];
    if (!op || op.type !== "operation") throw new Error(`the model has no operation ${name}`);
    return op;
  };

  return {
    /** problems with an operation's successful output */
    checkOutput(operationName: string, value: unknown): string[] {
      const op = operation(operationName);
      const problems: string[] = [];
      check(op.output?.target ?? "smithy.api#Unit", value, "", problems);
      return problems.map((p) => `${operationName} output ${p}`);
    },
    /** problems with an operation's input (what a service rejects before running it: ranges, patterns, required members) */
    checkInput(operationName: string, value: unknown): string[] {
      const op = operation(operationName);
      const problems: string[] = [];
      check(op.input?.target ?? "smithy.api#Unit", value, "", problems);
      return problems;
    },
    /** problems with an operation's error body: `__type` must name one of its modelled errors */
    checkError(operationName: string, value: unknown): string[] {
      const op = operation(operationName);
      if (typeof value !== "object" || value === null) return [`${operationName} error: body is not an object`];
      const { __type, ...rest } = value as Record<string, unknown>;
      const type = typeof __type === "string" ? __type.split("#").at(-1)!.split(":")[0]! : "";
      const allowed = (op.errors ?? []).map((e) => e.target.split("#")[1]!);
      if (!allowed.includes(type)) return [`${operationName} error: __type ${JSON.stringify(__type)} is not documented for this operation (modelled errors: ${allowed.join(", ")})`];
      const problems: string[] = [];
      check(`${namespace}#${type}`, rest, "", problems);
      return problems.map((p) => `${operationName} error ${p}`);
    },
    operations(): string[] {
      return Object.entries(model.shapes)
        .filter(([, s]) => s.type === "operation")
        .map(([id]) => id.split("#")[1]!);
    },
  };
}

function checkLength(traits: Record<string, unknown>, n: number, fail: (m: string) => void) {
  const length = traits["smithy.api#length"] as { min?: number; max?: number } | undefined;
  if (length?.min !== undefined && n < length.min) fail(`length ${n} is below the minimum ${length.min}`);
  if (length?.max !== undefined && n > length.max) fail(`length ${n} is above the maximum ${length.max}`);
}

function checkRange(traits: Record<string, unknown>, n: number, fail: (m: string) => void) {
  const range = traits["smithy.api#range"] as { min?: number; max?: number } | undefined;
  if (range?.min !== undefined && n < range.min) fail(`${n} is below the minimum ${range.min}`);
  if (range?.max !== undefined && n > range.max) fail(`${n} is above the maximum ${range.max}`);
}

export type SmithyValidator = ReturnType<typeof createSmithyValidator>;
