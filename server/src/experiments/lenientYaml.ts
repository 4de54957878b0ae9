/**
 * PyYAML leniency the `yaml` package (rightly, per the YAML 1.2 spec) does not have, which
 * real RL Baselines3 Zoo files rely on: a multi-line double-quoted value whose closing lines
 * are indented no deeper than its key, as in Zoo's `hyperparams/sac.yml`:
 *
 *   replay_buffer_kwargs: "dict(
 *     online_sampling=True,
 *   )"
 *
 * The spec wants continuation lines indented past the key; PyYAML (what the Zoo uses) accepts
 * them. The text is rewritten to the same length, joining each such line to the previous one
 * ('\n' -> ' '): inside a double-quoted scalar a line break folds to a space anyway, and every
 * offset stays where it was, so ranges and positions still point into the original text.
 */

/** The rewritten text, or the same string when there is nothing to relax. */
export function relaxQuotedIndentation(text: string): string {
  if (!text.includes('"')) return text;
  const chars = text.split('');
  let changed = false;
  let lineStart = 0;
  /** While inside an unclosed multi-line double-quoted value: the indentation of its key. */
  let openIndent = -1;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (openIndent >= 0) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() && indent <= openIndent && lineStart > 0) {
        chars[lineStart - 1] = ' ';
        changed = true;
      }
      if (closesQuote(line, 0)) openIndent = -1;
    } else {
      const m = /^(\s*)(?:-\s+)?[^\s#'"][^:#]*:\s+"/.exec(line);
      if (m && !closesQuote(line, m[0].length)) openIndent = m[1].length;
    }
    lineStart = lineEnd + 1;
  }
  return changed ? chars.join('') : text;
}

/** Whether an unescaped `"` occurs in line from `from` on (the end of the quoted value). */
function closesQuote(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return true;
  }
  return false;
}
