import { expect } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config/load";

/** The problems dockmaster.yaml text is refused with; a text that is accepted fails the test. */
export function refusalProblems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, "dockmaster.yaml", env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected the config to be rejected");
}
