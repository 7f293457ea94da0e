import { getRuntime } from "@/lib/runtime";
import { defaultTokenSettings, type TokenSettings } from "./config-schema";

/** The process's API token limits (dockmaster.yaml `auth.tokens`), for the server actions. */
export async function currentTokenSettings(): Promise<TokenSettings> {
  return (await getRuntime()).config.auth?.tokens ?? defaultTokenSettings;
}
