// The words of a SQL text as a lexer sees them: identifiers (bare or "quoted"), whether each is called like a
// function (followed by "("), and string literals with the word before them. Comments and the insides of string
// literals are skipped. Pure. Used only for the few statements DuckDB cannot serialize (a PIVOT whose values
// come from the data, inside a subquery), where the policy has no parse tree to walk.

export interface SqlWord {
  readonly kind: "identifier" | "string";
  /** Identifier text (unquoted, lowercase) or the literal's contents. */
  readonly text: string;
  /** An identifier followed by "(". */
  readonly called: boolean;
  /** The identifier before this word, lowercase ("" at the start or after punctuation). */
  readonly after: string;
}

export function sqlWords(sql: string): SqlWord[] {
  const words: SqlWord[] = [];
  let previous = "";
  let i = 0;
  const n = sql.length;
  const nextNonSpace = (from: number): string => {
    let j = from;
    while (j < n && /\s/.test(sql[j] as string)) j++;
    return sql[j] ?? "";
  };
  while (i < n) {
    const c = sql[i] as string;
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? n : end + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === "'" || c === "$") {
      const close = c === "$" ? /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0] : "'";
      if (close === undefined) {
        i++;
        previous = "";
        continue;
      }
      let j = i + close.length;
      let text = "";
      for (;;) {
        const end = sql.indexOf(close, j);
        if (end === -1) {
          text += sql.slice(j);
          j = n;
          break;
        }
        text += sql.slice(j, end);
        j = end + close.length;
        // '' inside a '...' literal is one quote.
        if (close === "'" && sql[j] === "'") {
          text += "'";
          j++;
          continue;
        }
        break;
      }
      words.push({ kind: "string", text, called: false, after: previous });
      previous = "";
      i = j;
    } else if (c === '"' || /[A-Za-z_\u0080-\uffff]/.test(c)) {
      let text: string;
      let j: number;
      if (c === '"') {
        j = i + 1;
        text = "";
        for (;;) {
          const end = sql.indexOf('"', j);
          if (end === -1) {
            text += sql.slice(j);
            j = n;
            break;
          }
          text += sql.slice(j, end);
          j = end + 1;
          if (sql[j] === '"') {
            text += '"';
            j++;
            continue;
          }
          break;
        }
      } else {
        j = i + 1;
        while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j] as string)) j++;
        text = sql.slice(i, j);
      }
      const lower = text.toLowerCase();
      words.push({ kind: "identifier", text: lower, called: nextNonSpace(j) === "(", after: previous });
      previous = lower;
      i = j;
    } else {
      if (!/\s/.test(c) && c !== ".") previous = "";
      i++;
    }
  }
  return words;
}
