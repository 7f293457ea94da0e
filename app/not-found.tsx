import Link from "next/link";

export const metadata = { title: "Not found" };

/** The last resort, outside the app's shell (the shell's own 404 is app/(app)/not-found.tsx). */
export default function RootNotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <section role="alert" aria-labelledby="not-found-title" className="card max-w-md p-6" data-testid="not-found">
        <p className="text-sm font-semibold text-slate-600">404</p>
        <h1 id="not-found-title" className="mt-1 text-xl font-semibold tracking-tight">
          Page not found
        </h1>
        <p className="mt-2 text-sm text-slate-700">There is nothing at this address.</p>
        <Link className="btn-primary mt-4 inline-block" href="/">
          Go to Dockmaster
        </Link>
      </section>
    </main>
  );
}
