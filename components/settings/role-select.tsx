const roleNames = ["viewer", "developer", "approver", "admin"] as const;

export function RoleAndScope({ environments }: { environments: { id: string; name: string }[] }) {
  return (
    <>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Role</span>
        <select name="role" className="input mt-1" defaultValue="viewer">
          {roleNames.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Scope</span>
        <select name="environmentId" className="input mt-1" defaultValue="">
          <option value="">All environments (global)</option>
          {environments.map((e) => (
            <option key={e.id} value={e.id}>
              only {e.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
