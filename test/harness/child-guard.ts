/**
 * Children spawned by the harness must not outlive the test process. Two layers:
 *  - on a normal exit of this process, every registered child gets SIGTERM synchronously;
 *  - the child itself runs under a shell watchdog (see watchdogScript) that notices when this process
 *    is gone — even after SIGKILL, when no exit handler runs — and then stops the server and deletes
 *    its temp dir.
 */
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
let hooked = false;

export function guardChild(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const c of live) {
        try {
          c.kill("SIGTERM");
        } catch {
          // already gone
        }
      }
    });
  }
}

/**
 * `sh -c SCRIPT sh <ownerPid> <cleanupDir> <command…>`: runs the command in the background, polls that
 * the owner process is alive, and on owner death or SIGTERM kills the command and removes the dir. Command
 * output should be redirected by the caller (a file), so nothing depends on pipes to a dead owner.
 */
export const watchdogScript = `
owner="$1"; dir="$2"; shift 2
"$@" &
child=$!
cleanup() { kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; rm -rf "$dir"; exit 0; }
trap cleanup TERM INT HUP
while kill -0 "$owner" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 0.5 & wait $!
done
if kill -0 "$child" 2>/dev/null; then cleanup; fi
# the command exited by itself: keep the dir so its log can be read; the owner removes it
wait "$child"
`;
