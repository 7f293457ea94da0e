/** The first stop of the keyboard: jumps past the navigation and the top bar to the page (WCAG 2.4.1). */
export function SkipLink({ target }: { target: string }) {
  return (
    <a
      href={`#${target}`}
      className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-sky-700 focus:shadow-lg focus:ring-2 focus:ring-sky-500"
    >
      Skip to content
    </a>
  );
}
