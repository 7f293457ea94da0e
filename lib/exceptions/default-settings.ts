import { getRuntime } from "@/lib/runtime";
import { defaultExceptionSettings, type ExceptionSettings } from "./config-schema";

/** The process's ledger limits (dockmaster.yaml `exceptions:`), for the server actions and the API. */
export async function currentExceptionSettings(): Promise<ExceptionSettings> {
  const cfg = (await getRuntime()).config.exceptions;
  return cfg ? { maxDays: cfg.maxDays, warnDays: cfg.warnDays } : defaultExceptionSettings;
}
