import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../server/src/protocol/types';
import { applyChoices, EMPTY_FILTER, filterChoices, formatFilter, isEmptyFilter, knownTags, matchesFilter, parseFilter, parseTags, type RunFilter } from '../../extension/src/runsTree/filter';
import {
  buildRunTree,
  childKeys,
  experimentDescription,
  experimentKey,
  fileDescription,
  fileKey,
  filterMessage,
  parentKey,
  samePlace,
  UNKNOWN_FILE,
  viewDescription,
} from '../../extension/src/runsTree/tree';

function run(id: string, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id, experiment: 'cartpole-ppo', file: 'examples/cartpole.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed: 1,
    status: 'completed', startTime: `2026-01-01T00:00:0${id.slice(-1)}Z`, globalStep: 100, totalSteps: 100, runDir: `/${id}`,
    ...patch,
  };
}

function filter(query: string): RunFilter {
  const parsed = parseFilter(query);
  assert.ok('filter' in parsed, `parses: ${query}`);
  return parsed.filter;
}

const RUNS: RunSummary[] = [
  run('r1'),
  run('r2', { starred: true }),
  run('r3'),
  run('r4', { experiment: 'acrobot', env: 'Acrobot-v1', status: 'failed', tags: ['baseline'] }),
  run('r5', { file: 'zoo/hyperparams/ppo.yml', experiment: 'LunarLander-v3', env: 'LunarLander-v3', status: 'running', tags: ['lr', 'baseline'] }),
  run('r6', { file: '', experiment: '', status: 'interrupted', damaged: 'run.json: not a run record' }),
];

describe('runs tree: grouping and sorting', () => {
  const tree = buildRunTree(RUNS, EMPTY_FILTER);

  it('groups runs by experiment file, then experiment, both sorted by name', () => {
    assert.deepEqual(childKeys(tree, undefined), [
      fileKey(UNKNOWN_FILE),
      fileKey('examples/cartpole.rl.yaml'),
      fileKey('zoo/hyperparams/ppo.yml'),
    ]);
    assert.deepEqual(childKeys(tree, fileKey('examples/cartpole.rl.yaml')), [
      experimentKey('examples/cartpole.rl.yaml', 'acrobot'),
      experimentKey('examples/cartpole.rl.yaml', 'cartpole-ppo'),
    ]);
    assert.equal(tree.shown, 6);
    assert.equal(tree.total, 6);
  });

  it('lists starred runs first, then newest first, under their experiment', () => {
    const exp = experimentKey('examples/cartpole.rl.yaml', 'cartpole-ppo');
    assert.deepEqual(childKeys(tree, exp), ['r2', 'r3', 'r1']);
    assert.equal(parentKey(tree, 'r3'), exp);
    assert.equal(parentKey(tree, exp), fileKey('examples/cartpole.rl.yaml'));
    assert.equal(parentKey(tree, fileKey('examples/cartpole.rl.yaml')), undefined);
    assert.deepEqual(childKeys(tree, 'r3'), []);
  });

  it('puts a damaged folder without a file or experiment under an "unknown" group, never dropping it', () => {
    const [exp] = childKeys(tree, fileKey(UNKNOWN_FILE));
    assert.deepEqual(childKeys(tree, exp), ['r6']);
  });

  it('describes groups: best return, run count, algorithm and env', () => {
    const runs = [
      run('r1', { meanReturn: 200, bestMeanReturn: 480.5 }),
      run('r2', { meanReturn: 300 }),
      run('r3'),
      // A live run's return is not the experiment's yet (its row repaints on status changes only).
      run('r4', { status: 'running', meanReturn: 499, bestMeanReturn: 499 }),
    ];
    const t = buildRunTree(runs, EMPTY_FILTER);
    const exp = t.nodes.get(experimentKey('examples/cartpole.rl.yaml', 'cartpole-ppo'));
    assert.equal(exp?.kind, 'experiment');
    if (exp?.kind === 'experiment') assert.equal(experimentDescription(exp), 'best 480.5 · 4 runs · ppo · CartPole-v1');
    const file = t.nodes.get(fileKey('examples/cartpole.rl.yaml'));
    if (file?.kind === 'file') assert.equal(fileDescription(file), '4 runs');
  });

  it('tells a progress update (repaint one row) from a move (repaint the tree)', () => {
    const before = RUNS[4];
    assert.equal(samePlace(tree, before, { ...before, globalStep: 50, meanReturn: 12 }), true);
    assert.equal(samePlace(tree, before, { ...before, status: 'completed' }), false);
    assert.equal(samePlace(tree, before, { ...before, starred: true }), false);
    assert.equal(samePlace(tree, before, { ...before, tags: ['lr'] }), false);
    assert.equal(samePlace(tree, before, { ...before, id: 'new' }), false);
  });
});

describe('runs tree: filtering', () => {
  const shownIds = (query: string) => {
    const t = buildRunTree(RUNS, filter(query));
    return [...t.nodes.values()].filter((n) => n.kind === 'run').map((n) => n.key).sort();
  };

  it('matches every word in experiment, file, env, algo, id or tags, case-insensitively', () => {
    assert.deepEqual(shownIds('ACRO'), ['r4']);
    assert.deepEqual(shownIds('lunar zoo'), ['r5']);
    assert.deepEqual(shownIds('cartpole r1'), ['r1']);
    assert.deepEqual(shownIds('baseline'), ['r4', 'r5']);
    assert.deepEqual(shownIds('nothing-like-this'), []);
  });

  it('filters by status (any of), including damaged, by tag (any of) and by star', () => {
    assert.deepEqual(shownIds('status:failed,running'), ['r4', 'r5']);
    assert.deepEqual(shownIds('status:damaged'), ['r6']);
    // A damaged run counts as damaged, not as its recorded status.
    assert.deepEqual(shownIds('status:interrupted'), []);
    assert.deepEqual(shownIds('tag:lr'), ['r5']);
    assert.deepEqual(shownIds('tag:lr tag:baseline'), ['r4', 'r5']);
    assert.deepEqual(shownIds('is:starred'), ['r2']);
    assert.deepEqual(shownIds('status:completed cartpole'), ['r1', 'r2', 'r3']);
  });

  it('says in the view description what the filter is and how much it hides', () => {
    const f = filter('status:failed');
    assert.equal(viewDescription(buildRunTree(RUNS, f), formatFilter(f)), 'status:failed (1 of 6)');
    assert.equal(viewDescription(buildRunTree(RUNS, EMPTY_FILTER), ''), undefined);
    assert.equal(filterMessage(1, 6, 'status:failed'), 'Filter "status:failed": 1 of 6 runs.');
    assert.equal(filterMessage(0, 6, 'tag:x'), 'No run matches the filter "tag:x".');
    assert.equal(filterMessage(6, 6, ''), undefined);
  });

  it('reads back its own canonical query and rejects unknown statuses', () => {
    const f = filter('  Cart  status:failed is:starred tag:a,b status:running ');
    assert.equal(formatFilter(f), 'status:failed,running tag:a,b is:starred cart');
    assert.deepEqual(filter(formatFilter(f)), f);
    assert.equal(isEmptyFilter(filter('')), true);
    assert.equal(isEmptyFilter(f), false);
    const bad = parseFilter('status:finished');
    assert.ok('error' in bad && /unknown status 'finished'/.test(bad.error));
    assert.ok('error' in parseFilter('is:happy'));
  });

  it('offers the statuses, star and tags in use as choices, with counts and the current filter checked', () => {
    const current = filter('status:failed tag:lr cart');
    const choices = filterChoices(RUNS, current);
    assert.deepEqual(
      choices.map((c) => `${c.kind}:${c.value}=${c.count}${c.picked ? '*' : ''}`),
      ['status:running=1', 'status:completed=3', 'status:failed=1*', 'status:damaged=1', 'starred:starred=1', 'tag:baseline=2', 'tag:lr=1*'],
    );
    // Picking keeps the typed words and replaces the rest.
    const next = applyChoices(current, [
      { kind: 'tag', value: 'baseline' },
      { kind: 'status', value: 'running' },
      { kind: 'starred', value: 'starred' },
    ]);
    assert.equal(formatFilter(next), 'status:running tag:baseline is:starred cart');
    assert.deepEqual(applyChoices(current, []), { ...EMPTY_FILTER, words: ['cart'] });
  });

  it('matches on the run alone (pure), and parses typed tags', () => {
    assert.equal(matchesFilter(RUNS[0], filter('status:completed')), true);
    assert.deepEqual(knownTags(RUNS), ['baseline', 'lr']);
    assert.deepEqual(parseTags(' #baseline, lr  lr,,x '), ['baseline', 'lr', 'x']);
  });
});
