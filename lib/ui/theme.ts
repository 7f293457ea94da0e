/** The colour theme a user chose: a fixed one, or "system" to follow the operating system's setting. */
export type ThemeChoice = "light" | "dark" | "system";

export const THEME_COOKIE = "dm-theme";
export const THEME_CHOICES: readonly ThemeChoice[] = ["light", "dark", "system"];

/** The cookie's value as a choice; anything else (absent, tampered) follows the system. */
export function parseTheme(value: string | undefined): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

/** The class on <html>: "light"/"dark" pin the theme; none lets prefers-color-scheme decide (app/globals.css). */
export function themeClass(choice: ThemeChoice): string | undefined {
  return choice === "system" ? undefined : choice;
}
