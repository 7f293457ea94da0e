import type { Metadata } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { parseTheme, THEME_COOKIE, themeClass } from "@/lib/ui/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Dockmaster", template: "%s · Dockmaster" },
  description: "Container images across registries and environments, in one pane.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, so each gets its own CSP nonce (proxy.ts); a page
  // prerendered at build time would carry scripts without one, which the policy blocks.
  await connection();
  // the user's light/dark choice is rendered into the first byte, so a dark page never flashes light
  const theme = themeClass(parseTheme((await cookies()).get(THEME_COOKIE)?.value));
  return (
    <html lang="en" className={theme}>
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
