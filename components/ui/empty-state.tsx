export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="card p-8 text-center">
      <h2 className="font-medium">{title}</h2>
      {children && <div className="mt-2 text-sm text-slate-500">{children}</div>}
    </div>
  );
}
