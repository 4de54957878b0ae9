import type { RunSummary } from '../../../server/src/protocol/types';
import { DISPLAY_STATUSES, displayStatus, type DisplayStatus } from './format';

/**
 * The Runs view's filter. One line of text holds all of it, so the filter command is a single
 * input box and the view's description can show it back verbatim:
 *
 *   status:completed,failed  tag:baseline  is:starred  cartpole lr
 *
 * `status:` and `tag:` keep runs matching any listed value (repeatable); `is:starred` keeps
 * starred runs; every other word must appear (case-insensitive) in the run's experiment, file,
 * env, algorithm, id or tags. Pure, for unit tests.
 */
export interface RunFilter {
  words: string[];
  statuses: DisplayStatus[];
  tags: string[];
  starredOnly: boolean;
}

export const EMPTY_FILTER: RunFilter = { words: [], statuses: [], tags: [], starredOnly: false };

export function isEmptyFilter(f: RunFilter): boolean {
  return f.words.length === 0 && f.statuses.length === 0 && f.tags.length === 0 && !f.starredOnly;
}

/** Parses the query; an unknown status or `is:` value is an error naming it (for the input box). */
export function parseFilter(query: string): { filter: RunFilter } | { error: string } {
  const filter: RunFilter = { words: [], statuses: [], tags: [], starredOnly: false };
  for (const token of query.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(status|tag|is):(.*)$/i.exec(token);
    if (!m) {
      filter.words.push(token.toLowerCase());
      continue;
    }
    const values = m[2].split(',').filter(Boolean);
    switch (m[1].toLowerCase()) {
      case 'status':
        for (const v of values) {
          const status = DISPLAY_STATUSES.find((s) => s === v.toLowerCase());
          if (!status) return { error: `unknown status '${v}': use ${DISPLAY_STATUSES.join(', ')}` };
          if (!filter.statuses.includes(status)) filter.statuses.push(status);
        }
        break;
      case 'tag':
        for (const v of values) if (!filter.tags.includes(v)) filter.tags.push(v);
        break;
      default:
        if (values.length !== 1 || values[0].toLowerCase() !== 'starred') return { error: `unknown '${token}': use is:starred` };
        filter.starredOnly = true;
    }
  }
  return { filter };
}

/** The canonical query of a filter (what `parseFilter` reads back to the same filter). */
export function formatFilter(f: RunFilter): string {
  const parts: string[] = [];
  if (f.statuses.length) parts.push(`status:${f.statuses.join(',')}`);
  if (f.tags.length) parts.push(`tag:${f.tags.join(',')}`);
  if (f.starredOnly) parts.push('is:starred');
  parts.push(...f.words);
  return parts.join(' ');
}

export function matchesFilter(run: RunSummary, f: RunFilter): boolean {
  if (f.starredOnly && !run.starred) return false;
  if (f.statuses.length && !f.statuses.includes(displayStatus(run))) return false;
  const tags = run.tags ?? [];
  if (f.tags.length && !f.tags.some((t) => tags.includes(t))) return false;
  if (f.words.length) {
    const haystack = [run.experiment, run.file, run.env, run.algo, run.id, ...tags].join('\n').toLowerCase();
    if (!f.words.every((w) => haystack.includes(w))) return false;
  }
  return true;
}

/** Every tag used by some run, sorted (for the tag quick pick). */
export function knownTags(runs: readonly RunSummary[]): string[] {
  return [...new Set(runs.flatMap((r) => r.tags ?? []))].sort((a, b) => a.localeCompare(b));
}

/** Tags typed by the user: comma or space separated, `#` optional, no duplicates. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[\s,]+/)
    .map((t) => t.replace(/^#/, '').trim())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** One entry of the status-and-tag quick pick. */
export interface FilterChoice {
  kind: 'status' | 'tag' | 'starred';
  value: string;
  /** How many runs it would keep on its own. */
  count: number;
  /** Part of the current filter (shown checked). */
  picked: boolean;
}

/** Statuses that some run has, every tag, and "starred", with counts and the current filter checked. */
export function filterChoices(runs: readonly RunSummary[], f: RunFilter): FilterChoice[] {
  const choices: FilterChoice[] = [];
  for (const status of DISPLAY_STATUSES) {
    const count = runs.filter((r) => displayStatus(r) === status).length;
    if (count > 0 || f.statuses.includes(status)) choices.push({ kind: 'status', value: status, count, picked: f.statuses.includes(status) });
  }
  const starred = runs.filter((r) => r.starred).length;
  if (starred > 0 || f.starredOnly) choices.push({ kind: 'starred', value: 'starred', count: starred, picked: f.starredOnly });
  for (const tag of knownTags(runs)) {
    choices.push({ kind: 'tag', value: tag, count: runs.filter((r) => r.tags?.includes(tag)).length, picked: f.tags.includes(tag) });
  }
  return choices;
}

/** The filter with its statuses, tags and star taken from the picked choices; its words stay. */
export function applyChoices(f: RunFilter, picked: readonly Pick<FilterChoice, 'kind' | 'value'>[]): RunFilter {
  return {
    words: f.words,
    statuses: DISPLAY_STATUSES.filter((s) => picked.some((c) => c.kind === 'status' && c.value === s)),
    tags: picked.filter((c) => c.kind === 'tag').map((c) => c.value),
    starredOnly: picked.some((c) => c.kind === 'starred'),
  };
}
