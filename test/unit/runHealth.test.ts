import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRunConfig, storedRunAlerts } from '../../server/src/training/runHealth';

describe('health alerts of stored runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-health-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads metrics.jsonl (NaN written as null counts) with config.yaml\'s target_kl, and follows appends', () => {
    writeFileSync(join(dir, 'config.yaml'), '# header\nalgo: ppo\ntarget_kl: 0.01\n');
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1,"time":1,"losses/approx_kl":0.03}\n{"step":2,"time":2,"losses/approx_kl":0.07}\n{"step":3,"ti');
    assert.deepEqual(readRunConfig(dir), { algo: 'ppo', target_kl: 0.01 });
    assert.deepEqual(storedRunAlerts(dir), ['approx KL 0.0700 above 0.0500 at step 2']);
    appendFileSync(join(dir, 'metrics.jsonl'), 'me":3}\n{"step":4,"time":4,"losses/value_loss":null}\n');
    assert.deepEqual(storedRunAlerts(dir), ['approx KL 0.0700 above 0.0500 at step 2', 'losses/value_loss is NaN from step 4']);
  });

  it('a run without metrics has none', () => {
    assert.deepEqual(storedRunAlerts(join(dir, 'missing')), []);
  });
});
