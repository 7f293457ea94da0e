"use client";

import { useState } from "react";
import { THEME_CHOICES, THEME_COOKIE, themeClass, type ThemeChoice } from "@/lib/ui/theme";

const labels: Record<ThemeChoice, string> = { light: "Light", dark: "Dark", system: "System" };
const ONE_YEAR_S = 365 * 24 * 3600;

/**
 * Light, dark or follow the system. The choice is kept in a cookie rather than localStorage so the
 * server renders the right class on <html> in the first byte (app/layout.tsx): no light flash
 * before a script could run. Switching applies at once, without a reload.
 */
/** Kept for the server's next render, and applied to this page at once. */
function applyTheme(next: ThemeChoice) {
  document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=${ONE_YEAR_S}; samesite=lax`;
  const root = document.documentElement;
  root.classList.remove("light", "dark");
  const cls = themeClass(next);
  if (cls) root.classList.add(cls);
}

export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const [choice, setChoice] = useState(initial);
  const choose = (next: ThemeChoice) => {
    setChoice(next);
    applyTheme(next);
  };
  return (
    <fieldset role="group" aria-label="Colour theme" className="flex rounded-md border border-slate-300 text-xs">
      {THEME_CHOICES.map((c) => (
        <label key={c} className={`cursor-pointer px-2 py-1 first:rounded-l-md last:rounded-r-md has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-500 ${choice === c ? "bg-slate-200 font-semibold text-slate-900" : "text-slate-600"}`}>
          <input type="radio" name="theme" value={c} checked={choice === c} onChange={() => choose(c)} className="sr-only" />
          {labels[c]}
        </label>
      ))}
    </fieldset>
  );
}
