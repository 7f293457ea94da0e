import { CopyButton } from "@/components/ui/copy-button";

/** One `docker pull` line with its copy button. */
export function PullCommand({ command, testId }: { command: string; testId: string }) {
  return (
    <div className="flex items-start gap-2">
      <code className="block min-w-0 flex-1 break-all rounded bg-slate-900 px-2 py-1 text-xs text-slate-100" data-testid={testId}>
        {command}
      </code>
      <CopyButton text={command} label={`Copy: ${command}`} testId={`${testId}-copy`} />
    </div>
  );
}
