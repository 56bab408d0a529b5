// The independent oracle: `buf breaking` with the WIRE_JSON rules between two generated proto trees.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BUF = fileURLToPath(new URL("../../../node_modules/.bin/buf", import.meta.url));
const CONFIG = JSON.stringify({ version: "v2", breaking: { use: ["WIRE_JSON"] } });

export interface BufIssue {
  readonly path: string;
  readonly type: string;
  readonly message: string;
}

/** The breaking changes buf finds from `againstDir` to `dir` (both proto roots). */
export function bufBreaking(dir: string, againstDir: string): Promise<BufIssue[]> {
  return new Promise((resolve, reject) => {
    execFile(
      BUF,
      ["breaking", dir, "--against", againstDir, "--config", CONFIG, "--error-format", "json"],
      (err, stdout, stderr) => {
        const code = (err as { code?: number } | null)?.code ?? 0;
        if (code !== 0 && code !== 100) {
          reject(new Error(`buf breaking failed (${code}): ${stderr}`));
          return;
        }
        resolve(
          stdout
            .split("\n")
            .filter((l) => l.trim() !== "")
            .map((l) => JSON.parse(l) as BufIssue),
        );
      },
    );
  });
}

export function bufBuild(dir: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(BUF, ["build", dir, "--exclude-source-info", "-o", out], (err, _stdout, stderr) => {
      if (err) reject(new Error(`buf build failed: ${stderr}`));
      else resolve();
    });
  });
}
