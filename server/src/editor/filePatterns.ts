/**
 * Which documents are experiment files (`rlLab.experimentFiles`). A small glob-to-RegExp
 * (`**`, `*`, `?`, `{a,b}`) because `minimatch` is only a nested dependency of
 * vscode-languageclient here, not resolvable from the server bundle.
 */
import * as path from 'node:path';

export const DEFAULT_EXPERIMENT_FILES = ['**/*.rl.yaml', '**/*.rl.yml', '**/hyperparams/*.yml'];

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of folders, including none; a trailing `**` matches anything.
        if (glob[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, close).split(',').map(escape).join('|')})`;
        i = close;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

export class ExperimentFilePatterns {
  private readonly regexps: RegExp[];
  private readonly basenameOnly: boolean[];

  constructor(
    patterns: readonly string[] = DEFAULT_EXPERIMENT_FILES,
    private readonly roots: readonly string[] = [],
  ) {
    this.regexps = patterns.map(globToRegExp);
    // A pattern without a folder part (`*.rl.yaml`) matches the file name anywhere, as VS Code's file associations do.
    this.basenameOnly = patterns.map((p) => !p.includes('/'));
  }

  matches(filePath: string): boolean {
    const abs = filePath.replace(/\\/g, '/');
    const candidates = [abs, ...this.roots.map((r) => path.relative(r, filePath).replace(/\\/g, '/')).filter((r) => !r.startsWith('..'))];
    const base = path.posix.basename(abs);
    return this.regexps.some((re, i) => (this.basenameOnly[i] ? re.test(base) : candidates.some((c) => re.test(c) || re.test(c.replace(/^\//, '')))));
  }
}
