import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { MetricRow } from '../../server/src/protocol/types';
import type { ResolvedConfig } from '../../server/src/schema';
import {
  createRun,
  defaultRunsDir,
  listRuns,
  makeRunId,
  MetricsWriter,
  readMetrics,
  readRunSummary,
  writeRunSummary,
  findRun,
  readRunConfig,
  rewindMetrics,
  setRunMeta,
  settleOrphans,
} from '../../server/src/training/runStore';

const config: ResolvedConfig = {
  experiment: 'cartpole ppo/tiny',
  algo: 'ppo',
  env: 'CartPole-v1',
  n_envs: 2,
  n_timesteps: 2000,
  seed: 7,
  policy: 'MlpPolicy',
  policy_kwargs: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
  hyperparameters: {
    learning_rate: 'lin_0.001',
    n_steps: 64,
    batch_size: 64,
    n_epochs: 4,
    gamma: 0.99,
    gae_lambda: 0.95,
    clip_range: 0.2,
    clip_range_vf: null,
    normalize_advantage: true,
    ent_coef: 0,
    vf_coef: 0.5,
    max_grad_norm: 0.5,
    target_kl: null,
  },
};

const temps: string[] = [];
function tempWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-store-'));
  temps.push(dir);
  mkdirSync(join(dir, 'examples'));
  writeFileSync(join(dir, 'examples', 'x.rl.yaml'), 'x: {}\n');
  return dir;
}
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('run store', () => {
  it('names runs after experiment, env, algo, seed and UTC time, with a random suffix', () => {
    const now = new Date(Date.UTC(2026, 10, 21, 7, 35, 12));
    const id = makeRunId({ ...config, experiment: 'cartpole-ppo' }, now);
    assert.match(id, /^cartpole-ppo_CartPole-v1_ppo_s7_20261121-073512_[0-9a-f]{4}$/);
    assert.match(makeRunId(config, now), /^cartpole-ppo-tiny_CartPole-v1_ppo_s7_/, 'unsafe characters are replaced');
  });

  it('round-trips run.json, config.yaml and metrics.jsonl', () => {
    const ws = tempWorkspace();
    const runsDir = defaultRunsDir(ws);
    const file = join(ws, 'examples', 'x.rl.yaml');
    const run = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    assert.equal(run.status, 'running');
    assert.equal(run.file, 'examples/x.rl.yaml');
    assert.equal(run.totalSteps, 2000);
    assert.equal(run.seed, 7);
    assert.equal(run.packageVersion, JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version);
    assert.equal(run.gitCommit, undefined, 'a temp folder is not in a git repo');
    assert.deepEqual(readdirSync(run.runDir).sort(), ['config.yaml', 'metrics.jsonl', 'run.json']);

    const yamlText = readFileSync(join(run.runDir, 'config.yaml'), 'utf8');
    assert.match(yamlText, /^# Resolved config of run /);
    assert.deepEqual(parse(yamlText), config);

    const writer = new MetricsWriter(run.runDir);
    const rows: MetricRow[] = [
      { step: 64, time: 1000, 'losses/approx_kl': 0.01, 'charts/SPS': 900 },
      { step: 128, time: 1001, 'charts/episodic_return': 21 },
    ];
    rows.forEach((r) => writer.append(r));
    writer.close();
    assert.deepEqual(readMetrics(run.runDir), rows);

    writeRunSummary(run.runDir, { ...run, status: 'completed', globalStep: 2000, meanReturn: 30.5, endTime: '2026-11-21T07:40:00.000Z' });
    const back = readRunSummary(run.runDir);
    assert.equal(back.status, 'completed');
    assert.equal(back.meanReturn, 30.5);
    assert.deepEqual(listRuns(runsDir).runs.map((r) => r.id), [run.id]);
    assert.deepEqual(
      readdirSync(run.runDir).filter((f) => f.endsWith('.tmp')),
      [],
      'the atomic write leaves no temp file behind',
    );
  });

  it('records the git commit and dirty flag when the file is in a repo', () => {
    // A repository of its own, so the test holds in a tarball or a clone without commits too.
    const ws = tempWorkspace();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ws, stdio: 'pipe' }).toString().trim();
    git('init', '-q');
    writeFileSync(join(ws, 'exp.rl.yaml'), 'x: 1\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
    const head = git('rev-parse', 'HEAD');
    const run = createRun({ runsDir: join(ws, 'runs'), workspaceRoot: ws, filePath: join(ws, 'exp.rl.yaml'), config });
    assert.equal(run.gitCommit, head);
    assert.equal(run.gitDirty, false);
    assert.equal(run.file, 'exp.rl.yaml');
    writeFileSync(join(ws, 'exp.rl.yaml'), 'x: 2\n');
    const dirty = createRun({ runsDir: join(ws, 'runs'), workspaceRoot: ws, filePath: join(ws, 'exp.rl.yaml'), config });
    assert.equal(dirty.gitDirty, true);
  });

  it('skips a torn last line and unparseable lines when reading metrics', () => {
    const ws = tempWorkspace();
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath: join(ws, 'examples', 'x.rl.yaml'), config });
    const path = join(run.runDir, 'metrics.jsonl');
    appendFileSync(path, '{"step":64,"time":1,"losses/entropy":0.69}\n');
    appendFileSync(path, 'not json at all\n');
    appendFileSync(path, '{"step":128,"time":2,"losses/entropy":0.68,"losses/value_loss":null}\n');
    appendFileSync(path, '["an array"]\n');
    appendFileSync(path, '{"step":192,"time":3,"losses/entr'); // the writer died mid-line
    assert.deepEqual(readMetrics(run.runDir), [
      { step: 64, time: 1, 'losses/entropy': 0.69 },
      { step: 128, time: 2, 'losses/entropy': 0.68 },
    ]);
  });

  it('reads a logged NaN (null in the file) as NaN when asked to keep it (the dashboard marks it)', () => {
    const ws = tempWorkspace();
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath: join(ws, 'examples', 'x.rl.yaml'), config });
    appendFileSync(join(run.runDir, 'metrics.jsonl'), '{"step":128,"time":2,"losses/entropy":0.68,"losses/value_loss":null}\n');
    assert.deepEqual(readMetrics(run.runDir, { keepNaN: true }), [{ step: 128, time: 2, 'losses/entropy': 0.68, 'losses/value_loss': Number.NaN }]);
  });

  it('lists around damaged folders instead of throwing', () => {
    const ws = tempWorkspace();
    const runsDir = defaultRunsDir(ws);
    const file = join(ws, 'examples', 'x.rl.yaml');
    const good = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    const corrupt = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    writeFileSync(join(corrupt.runDir, 'run.json'), '{"id": "half a fi');
    const wrongShape = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    writeFileSync(join(wrongShape.runDir, 'run.json'), '{"id": 3}');
    mkdirSync(join(runsDir, 'empty-folder'));
    writeFileSync(join(runsDir, 'stray-file.txt'), 'not a run');

    const noConfig = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    rmSync(join(noConfig.runDir, 'config.yaml'));
    const badConfig = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    writeFileSync(join(badConfig.runDir, 'config.yaml'), 'algo: [unclosed\n');

    const { runs, damaged } = listRuns(runsDir);
    assert.deepEqual(runs.filter((r) => !r.damaged).map((r) => r.id), [good.id]);
    const damagedDirs = [corrupt.runDir, join(runsDir, 'empty-folder'), wrongShape.runDir, noConfig.runDir, badConfig.runDir].sort();
    assert.deepEqual(damaged.map((d) => d.dir).sort(), damagedDirs);
    // Damaged folders are listed too (as summaries with the reason), so the tree shows them.
    assert.deepEqual(runs.filter((r) => r.damaged).map((r) => r.runDir).sort(), damagedDirs);
    const reason = (dir: string) => runs.find((r) => r.runDir === dir)?.damaged ?? '';
    assert.match(reason(corrupt.runDir), /run\.json is corrupt/);
    assert.match(reason(join(runsDir, 'empty-folder')), /run\.json is missing; config\.yaml is missing/);
    assert.match(reason(wrongShape.runDir), /not a run record/);
    assert.match(reason(noConfig.runDir), /^config\.yaml is missing$/);
    assert.match(reason(badConfig.runDir), /config\.yaml is not valid YAML/);
    // What survived is kept: run.json of a folder without config, config.yaml of a corrupt run.json.
    assert.equal(runs.find((r) => r.runDir === noConfig.runDir)?.id, noConfig.id);
    assert.equal(runs.find((r) => r.runDir === corrupt.runDir)?.env, 'CartPole-v1');
    assert.deepEqual(listRuns(join(ws, 'no-such-dir')), { runs: [], damaged: [] });
  });

  it('records the reproducibility record: config file, versions, machine', () => {
    const ws = tempWorkspace();
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath: join(ws, 'examples', 'x.rl.yaml'), config });
    const stored = readRunSummary(run.runDir);
    assert.equal(stored.configFile, 'config.yaml');
    assert.equal(stored.seed, 7);
    assert.equal(stored.versions?.node, process.versions.node);
    assert.match(stored.versions?.rlLab ?? '', /^\d+\.\d+\.\d+/);
    assert.ok(stored.machine && stored.machine.cores >= 1 && stored.machine.memoryGb > 0 && stored.machine.cpu && stored.machine.os);
    assert.deepEqual(readRunConfig(run.runDir), config);
  });

  it("keeps the user's star and tags when a trainer rewrites run.json", () => {
    const ws = tempWorkspace();
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath: join(ws, 'examples', 'x.rl.yaml'), config });
    const trainerCopy = readRunSummary(run.runDir); // what a trainer holds in memory
    setRunMeta(run.runDir, { starred: true, tags: [' best ', 'lr', 'lr', ''] });
    writeRunSummary(run.runDir, { ...trainerCopy, globalStep: 500 });
    const stored = readRunSummary(run.runDir);
    assert.equal(stored.globalStep, 500);
    assert.equal(stored.starred, true);
    assert.deepEqual(stored.tags, ['best', 'lr']);
    setRunMeta(run.runDir, { starred: false, tags: [] });
    assert.equal(readRunSummary(run.runDir).starred, false);
    assert.deepEqual(readRunSummary(run.runDir).tags, []);
  });

  it('rewinds metrics to a checkpoint: later rows move aside, a torn line is dropped', () => {
    const ws = tempWorkspace();
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath: join(ws, 'examples', 'x.rl.yaml'), config });
    const path = join(run.runDir, 'metrics.jsonl');
    for (const step of [64, 128, 192, 256]) appendFileSync(path, JSON.stringify({ step, time: step, 'losses/entropy': 0.5 }) + '\n');
    appendFileSync(path, '{"step":320,"ti');
    assert.deepEqual(rewindMetrics(run.runDir, 128), { kept: 2, moved: 2 });
    assert.deepEqual(readMetrics(run.runDir).map((r) => r.step), [64, 128]);
    assert.ok(readFileSync(path, 'utf8').endsWith('\n'), 'appending continues on a fresh line');
    assert.deepEqual(
      readFileSync(join(run.runDir, 'metrics.rewound.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step),
      [192, 256],
    );
  });

  it('settles runs whose trainer died as interrupted, leaves live and finished ones', () => {
    const ws = tempWorkspace();
    const runsDir = defaultRunsDir(ws);
    const file = join(ws, 'examples', 'x.rl.yaml');
    const dead = createRun({ runsDir, workspaceRoot: ws, filePath: file, config, pid: 111 });
    const queued = createRun({ runsDir, workspaceRoot: ws, filePath: file, config, pid: 222, status: 'queued' });
    const live = createRun({ runsDir, workspaceRoot: ws, filePath: file, config, pid: 333 });
    const done = createRun({ runsDir, workspaceRoot: ws, filePath: file, config, pid: 111 });
    writeRunSummary(done.runDir, { ...done, status: 'completed' });
    const settled = settleOrphans(runsDir, (pid) => pid === 333);
    assert.deepEqual(settled.map((r) => r.id).sort(), [dead.id, queued.id].sort());
    assert.equal(readRunSummary(dead.runDir).status, 'interrupted');
    assert.equal(readRunSummary(dead.runDir).pid, undefined);
    assert.equal(readRunSummary(queued.runDir).status, 'interrupted');
    assert.equal(readRunSummary(live.runDir).status, 'running');
    assert.equal(readRunSummary(done.runDir).status, 'completed');
  });

  it('finds runs by id, unique prefix or folder path', () => {
    const ws = tempWorkspace();
    const runsDir = defaultRunsDir(ws);
    const file = join(ws, 'examples', 'x.rl.yaml');
    const a = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    const b = createRun({ runsDir, workspaceRoot: ws, filePath: file, config: { ...config, seed: 8 } });
    assert.equal(findRun(runsDir, a.id), a.runDir);
    assert.equal(findRun(runsDir, a.runDir), a.runDir);
    assert.equal(findRun(runsDir, b.id.slice(0, b.id.indexOf('_s8_') + 4)), b.runDir);
    assert.throws(() => findRun(runsDir, 'cartpole'), /matches 2 runs/);
    assert.throws(() => findRun(runsDir, 'nothing'), /no run 'nothing'/);
  });
});
