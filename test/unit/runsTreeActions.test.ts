import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluationResult, RunSummary } from '../../server/src/protocol/types';
import { deleteQuestion, describeEvaluation, isResumable, parseEpisodes, targetRuns } from '../../extension/src/runsTree/actionArgs';

function run(id: string, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id, experiment: 'cartpole-ppo', file: 'examples/cartpole.rl.yaml', algo: 'ppo', env: 'CartPole-v1', seed: 3,
    status: 'completed', startTime: '2026-01-01T00:00:00Z', globalStep: 100, totalSteps: 100, runDir: `/runs/${id}`, ...patch,
  };
}
const known = new Map(['a', 'b', 'c'].map((id) => [id, run(id)]));
const lookup = (id: string) => known.get(id);

describe('runs tree actions: arguments', () => {
  it('acts on the clicked row, or on the whole selection when the clicked row is in it', () => {
    assert.deepEqual(targetRuns('a', undefined, lookup).map((r) => r.id), ['a']);
    assert.deepEqual(targetRuns('b', ['a', 'b', 'c'], lookup).map((r) => r.id), ['a', 'b', 'c']);
    // A right-click outside the selection means that row only (VS Code's convention).
    assert.deepEqual(targetRuns('c', ['a', 'b'], lookup).map((r) => r.id), ['c']);
  });

  it('skips group rows and unknown ids', () => {
    assert.deepEqual(targetRuns('file:examples/cartpole.rl.yaml', undefined, lookup), []);
    assert.deepEqual(targetRuns('a', ['a', 'experiment:x\u0000y', 'gone'], lookup).map((r) => r.id), ['a']);
    assert.deepEqual(targetRuns(undefined, undefined, lookup), []);
    assert.deepEqual(targetRuns({ id: 'a' }, undefined, lookup), []);
  });

  it('offers resume for stopped, interrupted and failed runs that are not damaged', () => {
    assert.equal(isResumable(run('x', { status: 'stopped' })), true);
    assert.equal(isResumable(run('x', { status: 'interrupted' })), true);
    assert.equal(isResumable(run('x', { status: 'failed' })), true);
    assert.equal(isResumable(run('x', { status: 'completed' })), false);
    assert.equal(isResumable(run('x', { status: 'running' })), false);
    assert.equal(isResumable(run('x', { status: 'interrupted', damaged: 'run.json is missing' })), false);
  });

  it('reads the evaluation episodes as a whole number in range', () => {
    assert.equal(parseEpisodes(' 10 '), 10);
    assert.equal(parseEpisodes('1'), 1);
    assert.equal(parseEpisodes('10000'), 10_000);
    for (const bad of ['0', '-3', '2.5', '1e2', '', 'ten', '10001']) assert.equal(parseEpisodes(bad), undefined, bad);
  });

  it('reports an evaluation and asks before deleting, naming what goes', () => {
    const e: EvaluationResult = {
      time: '2026-01-01T00:00:00Z', episodes: 10, step: 100_000, meanReturn: 487.25, stdReturn: 12.5, minReturn: 460,
      maxReturn: 500, meanLength: 487.25, returns: [], lengths: [], seed: 3, deterministic: true,
    };
    assert.equal(
      describeEvaluation(e),
      'evaluated over 10 episodes at step 100,000: mean return 487.3 ± 12.5 (min 460.0, max 500.0), mean length 487.3',
    );
    assert.equal(deleteQuestion([run('a')]), 'Delete run cartpole-ppo (seed 3)? Its folder, metrics and checkpoints are removed from disk.');
    assert.match(deleteQuestion([run('a'), run('b')]), /^Delete 2 runs\? Their folders/);
  });
});
