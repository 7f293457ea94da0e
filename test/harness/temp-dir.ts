import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function makeTempDir(prefix: string, baseDir: string = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(baseDir, `dockmaster-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
