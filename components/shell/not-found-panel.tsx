import Link from "next/link";

/** The one look of "nothing here": a 404 page inside the shell, or a missing tag or digest. */
export function NotFoundPanel({ title, message, children }: { title: string; message: React.ReactNode; children?: React.ReactNode }) {
  return (
    <section role="alert" aria-labelledby="not-found-title" className="card mx-auto mt-10 max-w-xl p-6" data-testid="not-found">
      <p className="text-sm font-semibold text-slate-600">404</p>
      <h1 id="not-found-title" className="mt-1 text-xl font-semibold tracking-tight">
        {title}
      </h1>
      <p className="mt-2 text-sm text-slate-700" data-testid="not-found-message">
        {message}
      </p>
      {children}
      <nav aria-label="Where to go instead" className="mt-4 flex flex-wrap gap-3 text-sm">
        <Link className="btn-primary" href="/">
          Environments
        </Link>
        <Link className="btn-secondary" href="/registries">
          Registries
        </Link>
        <Link className="btn-secondary" href="/promotions">
          Promotions
        </Link>
      </nav>
    </section>
  );
}
