// The one default location of every command's data: `./.facsimile` under the working directory, or $FACSIMILE_HOME.
// Below it, `lake/` is the local lake and `bus/` the embedded bus. Flags override both; $FACSIMILE_LAKE names a lake
// elsewhere (a path or s3://bucket/prefix) without moving the rest. Pure: the caller passes env and cwd.
import { isAbsolute, join, resolve } from "node:path";

/** Environment variable naming the data folder of every command. */
export const HOME_ENV = "FACSIMILE_HOME";
/** Environment variable naming the lake root when --lake is not given (a path or a URL). */
export const LAKE_ENV = "FACSIMILE_LAKE";
/** The data folder when $FACSIMILE_HOME is not set, relative to the working directory. */
export const DEFAULT_HOME_DIR = ".facsimile";

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** `given` (a --data flag), else $FACSIMILE_HOME, else ./.facsimile; resolved against `cwd`. */
export function dataHome(env: Env, cwd: string, given?: string): string {
  return resolve(cwd, given ?? nonEmpty(env[HOME_ENV]) ?? DEFAULT_HOME_DIR);
}

/** --lake, else $FACSIMILE_LAKE, else <data home>/lake; local paths resolved against `cwd`, URLs kept. */
export function lakeLocation(given: string | undefined, env: Env, cwd: string): string {
  const chosen = given ?? nonEmpty(env[LAKE_ENV]);
  if (chosen === undefined) return join(dataHome(env, cwd), "lake");
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(chosen)) return chosen;
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}
