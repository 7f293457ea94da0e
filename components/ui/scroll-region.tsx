/**
 * A box whose content may be wider than the window (a table, JSON), scrolling sideways by itself
 * rather than the page. It takes keyboard focus so the arrow keys scroll it when nothing inside is
 * focusable (WCAG 2.1.1), and is named as a region so a screen reader says what it is. Relative, so
 * absolutely placed descendants (sr-only labels) are clipped with the rest instead of widening the page.
 */
export function ScrollRegion({ label, className = "", testId, children }: { label: string; className?: string; testId?: string; children: React.ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} data-testid={testId} className={`relative max-w-full overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${className}`}>
      {children}
    </div>
  );
}
