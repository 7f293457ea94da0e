import { describeRegistryError, type DescribedError } from "@/lib/registry";

/** What a page gets from a registry read: the data, or which registry failed and why. */
export type Loaded<T> = { ok: true; data: T } | { ok: false; registry: string; error: DescribedError };

export async function load<T>(registry: string, fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    const error = describeRegistryError(err);
    console.error(`[registry ${registry}] ${error.kind}: ${error.message}`);
    return { ok: false, registry, error };
  }
}
