/** Helpers for unit tests of transport steps: canned responses without a network. */
import { Readable } from "node:stream";
import type { RegistryRequest, RegistryResponse, ResponseHeaders } from "@/lib/registry/transport/types";

export function fakeResponse(req: RegistryRequest, status: number, headers: ResponseHeaders = {}, body = ""): RegistryResponse {
  return { status, headers, body: Readable.from(body ? [Buffer.from(body)] : []), request: req };
}

export function getRequest(path = "/v2/app/manifests/latest", extra: Partial<RegistryRequest> = {}): RegistryRequest {
  return { method: "GET", url: new URL(`http://registry.test:5000${path}`), ...extra };
}
