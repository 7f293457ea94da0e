export function Forbidden({ message }: { message: string }) {
  return (
    <div role="alert" className="card mx-auto mt-10 max-w-lg p-6" data-testid="forbidden">
      <h1 className="text-lg font-semibold text-red-700">Access denied</h1>
      <p className="mt-2 text-sm text-slate-600">{message}</p>
      <p className="mt-2 text-sm text-slate-500">Ask an administrator for the role this page needs.</p>
    </div>
  );
}
