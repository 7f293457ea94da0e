import { describeRegistryError, isRegistryError } from "@/lib/registry";

/** Socket errors raised outside lib/registry (the TLS probe opens its own connection). */
const NET_CODES: Record<string, "unreachable" | "timeout"> = {
  ECONNREFUSED: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ECONNRESET: "unreachable",
  ETIMEDOUT: "timeout",
};

export class ProbeTimeout extends Error {
  override name = "ProbeTimeout";
}

/** Any failure → the error class stored with the result and the message shown beside it. */
export function classify(err: unknown): { errorClass: string; message: string } {
  if (isRegistryError(err)) return { errorClass: err.kind, message: err.message };
  if (err instanceof ProbeTimeout) return { errorClass: "timeout", message: err.message };
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && NET_CODES[code]) return { errorClass: NET_CODES[code]!, message: (err as Error).message };
  const described = describeRegistryError(err);
  return { errorClass: described.kind, message: described.message };
}
