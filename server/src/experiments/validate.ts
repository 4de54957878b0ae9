/**
 * Validates experiments against the hyperparameter schema: unknown keys (with did-you-mean),
 * types, bounds, enum values, schedules, policy_kwargs, required keys, keys RL Lab does not
 * implement (warnings) and cross-key checks. The editor's diagnostics and loadExperimentConfig
 * (CLI, StartRun) both read these issues, so the two always agree.
 */
import { ENV_IDS, ENV_SPECS, envSpec, makeDynamics } from '../training/envs/registry';
import { CUSTOM_ENV } from '../training/envs/custom/id';
import { customEnvPathProblem } from '../training/envs/custom/path';
import { createTextTask, isTextEnv, TEXT_DATASET_ENV, TEXT_ENV_IDS } from '../training/rlhf/tasks';
import { datasetPathProblem, resolveDatasetPath } from '../training/rlhf/data/paths';
import { existsSync, statSync } from 'node:fs';
import { isLmAlgo, LM_ALGOS } from '../schema/lm';
import type { EnvSpec } from '../training/envs/spaces';
import { ALGOS, ALGO_IDS, EXPERIMENT_PARAMS, isAlgoId, paramSpec, paramsFor, allParamKeys, type AlgoId, type AlgoSpec, type ParamSpec } from '../schema';
import { checkValue, readEnvKwargs, type ValueIssue } from './checkValue';
import { closeMatch, didYouMean } from './didYouMean';
import { checkSweep, SWEEP_KEY } from './sweepCheck';
import type { EntryModel, ExperimentFileModel, ExperimentModel, Issue, IssueFix, OffsetRange } from './model';
import { HYPERPARAMETERS_KEY } from './parse';
import type { PyNode } from './pyDict';
import { unsupportedKeyMessage, ZOO_UNIMPLEMENTED_KEYS, zooUnimplementedMessage } from './zooKeys';

/** The algorithm an experiment trains with, when it names a known one. */
export function experimentAlgo(file: ExperimentFileModel, exp: ExperimentModel): AlgoId | undefined {
  const algo = file.format === 'zoo' ? file.fileAlgo : exp.entries.find((e) => e.key === 'algo')?.value;
  return isAlgoId(algo) ? algo : undefined;
}

/** The env id an experiment names (Zoo: its top-level key), known or not. */
export function experimentEnv(file: ExperimentFileModel, exp: ExperimentModel): unknown {
  return file.format === 'zoo' ? exp.name : exp.entries.find((e) => e.key === 'env')?.value;
}

/** Issues about the file as a whole (beyond YAML syntax). */
export function validateFile(file: ExperimentFileModel): Issue[] {
  if (file.format === 'zoo' && !isAlgoId(file.fileAlgo)) {
    return [
      {
        severity: 'warning',
        message: `RL Lab does not implement the algorithm '${file.fileAlgo}' of this RL Baselines3 Zoo file (implemented: ${ALGO_IDS.join(', ')}); its experiments cannot be run`,
        range: { start: 0, end: 0 },
      },
    ];
  }
  return [];
}

export function validateExperiment(file: ExperimentFileModel, exp: ExperimentModel): Issue[] {
  const issues: Issue[] = [...exp.issues];
  if (file.format === 'zoo' && !isAlgoId(file.fileAlgo)) return issues; // reported once for the file
  const algo = experimentAlgo(file, exp);
  checkRequired(file, exp, issues);
  checkZooEnv(file, exp, issues);
  checkDuplicates(exp, issues);
  const present = new Set(exp.entries.map((e) => e.key));
  for (const entry of exp.entries) checkEntry(file, algo, entry, issues, present);
  checkBatchSize(exp, algo, issues);
  checkEnvKwargs(file, exp, issues);
  checkCustomEnv(file, exp, issues);
  checkActionSpace(file, exp, algo, issues);
  checkTextEnv(file, exp, algo, issues);
  checkStageReferences(file, exp, algo, issues);
  // A Zoo experiment for an environment RL Lab lacks cannot run anyway: its problems are only warnings.
  if (file.format === 'zoo' && !(exp.name in ENV_SPECS)) return issues.map((i) => ({ ...i, severity: 'warning' }));
  return issues;
}

function checkRequired(file: ExperimentFileModel, exp: ExperimentModel, issues: Issue[]): void {
  const implied = file.format === 'zoo' ? ['algo', 'env'] : [];
  for (const spec of EXPERIMENT_PARAMS.filter((p) => p.required)) {
    if (implied.includes(spec.key) || exp.entries.some((e) => e.key === spec.key)) continue;
    const example = spec.key === 'algo' ? ALGO_IDS[0] : spec.key === 'env' ? ENV_IDS[0] : undefined;
    issues.push({
      severity: 'error',
      message: `missing required key '${spec.key}' (${spec.summary})`,
      range: exp.nameRange,
      key: spec.key,
      fixes: example === undefined ? undefined : [addKeyFix(file, exp, `${spec.key}: ${example}`)],
    });
  }
}

/** Inserts `line` as the experiment's first key, indented as its other keys are. */
function addKeyFix(file: ExperimentFileModel, exp: ExperimentModel, line: string): IssueFix {
  const lineEnd = file.text.indexOf('\n', exp.nameRange.end);
  const at = lineEnd < 0 ? file.text.length : lineEnd;
  const first = exp.entries.find((e) => !e.merged && e.keyRange.start > exp.nameRange.end);
  const column = first ? first.keyRange.start - (file.text.lastIndexOf('\n', first.keyRange.start - 1) + 1) : 2;
  const indent = ' '.repeat(Math.max(1, column));
  const colonAfterName = /^\s*:/.test(file.text.slice(exp.nameRange.end, at));
  return { title: `Add '${line}'`, range: { start: at, end: at }, newText: `${colonAfterName ? '' : ':'}\n${indent}${line}`, preferred: true };
}

/** Zoo files list many environments RL Lab lacks; that is a warning, not an error. */
function checkZooEnv(file: ExperimentFileModel, exp: ExperimentModel, issues: Issue[]): void {
  if (file.format !== 'zoo' || exp.name in ENV_SPECS) return;
  issues.push({
    severity: 'warning',
    message: `RL Lab has no environment '${exp.name}'${didYouMean(exp.name, ENV_IDS)} (available: ${ENV_IDS.join(', ')}); this experiment cannot be run`,
    range: exp.nameRange,
    key: 'env',
    fixes: renameFix(exp.nameRange, closeMatch(exp.name, ENV_IDS)),
  });
}

function checkDuplicates(exp: ExperimentModel, issues: Issue[]): void {
  const seen = new Set<string>();
  for (const entry of exp.entries.filter((e) => !e.merged)) {
    if (seen.has(entry.key)) {
      issues.push({
        severity: 'error',
        message: `'${entry.key}' is set both at the top level and under '${HYPERPARAMETERS_KEY}'`,
        range: entry.keyRange,
        key: entry.key,
      });
    }
    seen.add(entry.key);
  }
}

/** A quick fix replacing a range with a did-you-mean candidate, when there is one. */
function renameFix(range: OffsetRange, to: string | undefined): IssueFix[] | undefined {
  return to === undefined ? undefined : [{ title: `Change to '${to}'`, range, newText: to, preferred: true }];
}

function checkEntry(file: ExperimentFileModel, algo: AlgoId | undefined, entry: EntryModel, issues: Issue[], present: ReadonlySet<string>): void {
  // The sweep block has its own shape: every listed value is checked against its key's schema.
  if (entry.key === SWEEP_KEY) {
    checkSweep(entry, algo, issues);
    return;
  }
  const spec = paramSpec(algo, entry.key);
  if (!spec) {
    const unsupported = unsupportedKeyMessage(entry.key, algo);
    if (unsupported) {
      issues.push({ severity: 'error', message: unsupported, range: entry.keyRange, key: entry.key });
      return;
    }
    if (entry.key in ZOO_UNIMPLEMENTED_KEYS) {
      issues.push({ severity: 'warning', message: zooUnimplementedMessage(entry.key), range: entry.keyRange, key: entry.key });
      return;
    }
    // A key written already is no typo of this one (and renaming to it would duplicate it).
    const known = (algo ? paramsFor(algo).map((p) => p.key) : allParamKeys()).filter((k) => !present.has(k));
    issues.push({
      severity: 'error',
      message: `unknown key '${entry.key}'${didYouMean(entry.key, known)}`,
      range: entry.keyRange,
      key: entry.key,
      fixes: renameFix(entry.keyRange, closeMatch(entry.key, known)),
    });
    return;
  }
  if (spec.implemented === false) {
    issues.push({
      severity: 'warning',
      message: spec.unimplementedNote ?? `'${spec.key}' is accepted for RL Baselines3 Zoo compatibility but RL Lab does not implement it yet; it is ignored`,
      range: entry.keyRange,
      key: spec.key,
    });
  }
  // In a Zoo file the env id is the experiment's key; an `env:` entry there would be a second, conflicting one.
  if (file.format === 'zoo' && (spec.key === 'env' || spec.key === 'algo')) {
    issues.push({
      severity: 'error',
      message: `'${spec.key}' comes from the ${spec.key === 'env' ? 'top-level key' : 'file name'} in an RL Baselines3 Zoo file; remove it`,
      range: entry.keyRange,
      key: spec.key,
    });
    return;
  }
  for (const v of checkValue(spec, entry.value, entry.tree)) issues.push(valueIssue(file, spec, entry, v));
}

function valueIssue(file: ExperimentFileModel, spec: ParamSpec, entry: EntryModel, v: ValueIssue): Issue {
  let range: OffsetRange = entry.valueRange.end > entry.valueRange.start ? entry.valueRange : entry.keyRange;
  if (v.sub?.in === 'document' && v.sub.end > v.sub.start) range = { start: v.sub.start, end: v.sub.end };
  if (v.sub?.in === 'string' && typeof entry.value === 'string') {
    const base = stringContentStart(file.text, entry.valueRange, entry.value);
    if (base !== undefined) range = { start: base + v.sub.start, end: base + Math.max(v.sub.end, v.sub.start + 1) };
  }
  const replace = v.replacement !== undefined && !v.sub && entry.valueRange.end > entry.valueRange.start;
  const fixes = replace ? [{ title: `Change to ${v.replacement}`, range: entry.valueRange, newText: String(v.replacement), preferred: true }] : undefined;
  return { severity: v.severity, message: v.message, range, key: spec.key, fixes };
}

/** Where a string's characters start in the document, when it is written without escapes. */
function stringContentStart(text: string, range: OffsetRange, value: string): number | undefined {
  const source = text.slice(range.start, range.end);
  if (source === value) return range.start;
  const quote = source[0];
  if ((quote === '"' || quote === "'") && source.slice(1, -1) === value) return range.start + 1;
  return undefined;
}

/**
 * Whether the environment takes these env_kwargs: the registry builds its dynamics with them,
 * so the editor reports exactly what training would reject (unknown option, gravity range...).
 */
function checkEnvKwargs(file: ExperimentFileModel, exp: ExperimentModel, issues: Issue[]): void {
  const entry = exp.entries.find((e) => e.key === 'env_kwargs');
  const env = experimentEnv(file, exp);
  if (!entry || entry.value === null || typeof env !== 'string' || !(env in ENV_SPECS)) return;
  if (issues.some((i) => i.key === 'env_kwargs')) return; // malformed already: reported once
  const problem = envKwargsProblem(env, entry.value, entry.tree);
  if (problem) {
    issues.push({ severity: 'error', message: problem, range: entry.valueRange.end > entry.valueRange.start ? entry.valueRange : entry.keyRange, key: 'env_kwargs' });
  }
}

/**
 * What the environment (a Gymnasium env or a text task) rejects in these env_kwargs, or
 * undefined. The file's check above and `--set env_kwargs=...` (experiments/index.ts) share it.
 */
export function envKwargsProblem(env: string, value: unknown, tree: PyNode | null = null): string | undefined {
  if (!(env in ENV_SPECS) && !isTextEnv(env)) return undefined;
  try {
    const kwargs = readEnvKwargs(value, tree).value;
    if (env in ENV_SPECS) makeDynamics(env, kwargs);
    else createTextTask(env, kwargs);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * `env: custom` needs `env_module`, a file that exists (relative to the experiment file).
 * Only its presence is checked here: the module itself is loaded and checked by the training
 * process, never by the language server.
 */
function checkCustomEnv(file: ExperimentFileModel, exp: ExperimentModel, issues: Issue[]): void {
  const entry = exp.entries.find((e) => e.key === 'env_module');
  const isCustom = experimentEnv(file, exp) === CUSTOM_ENV;
  const range = (e: EntryModel): OffsetRange => (e.valueRange.end > e.valueRange.start ? e.valueRange : e.keyRange);
  if (!isCustom) {
    if (entry && entry.value !== null) {
      issues.push({ severity: 'warning', message: `'env_module' is only used with 'env: ${CUSTOM_ENV}'; it is ignored`, range: entry.keyRange, key: 'env_module' });
    }
    return;
  }
  if (!entry || entry.value === null) {
    const envEntry = exp.entries.find((e) => e.key === 'env');
    issues.push({
      severity: 'error',
      message: `'env: ${CUSTOM_ENV}' needs 'env_module', the path of a module exporting the environment (e.g. env_module: ./envs/gridworld.js)`,
      range: envEntry ? range(envEntry) : exp.nameRange,
      key: 'env_module',
    });
    return;
  }
  if (typeof entry.value !== 'string') return; // wrong type: reported by checkValue
  const problem = customEnvPathProblem(file.filePath, entry.value);
  if (problem) issues.push({ severity: 'error', message: problem, range: range(entry), key: 'env_module' });
}

/**
 * A discrete-only algorithm cannot act in a continuous action space (and vice versa): an
 * error on the env (or the algo) rather than a failure when training starts.
 */
function checkActionSpace(file: ExperimentFileModel, exp: ExperimentModel, algo: AlgoId | undefined, issues: Issue[]): void {
  const env = experimentEnv(file, exp);
  if (!algo || typeof env !== 'string' || !(env in ENV_SPECS)) return;
  if (issues.some((i) => i.key === 'env_kwargs' && i.severity === 'error')) return;
  const kwargs = exp.entries.find((e) => e.key === 'env_kwargs');
  let spec: EnvSpec;
  try {
    spec = envSpec(env, kwargs && kwargs.value !== null ? readEnvKwargs(kwargs.value, kwargs.tree).value : {});
  } catch {
    return;
  }
  const message = actionSpaceProblem(ALGOS[algo], spec);
  if (!message) return;
  const at = exp.entries.find((e) => e.key === 'env') ?? exp.entries.find((e) => e.key === 'algo');
  issues.push({ severity: 'error', message, range: at ? at.valueRange : exp.nameRange, key: 'env' });
}

/**
 * Language-model stages train on text tasks (`text/...`), every other algorithm on a
 * Gymnasium environment; a text task's env_kwargs and the `dataset` file are checked here too.
 */
function checkTextEnv(file: ExperimentFileModel, exp: ExperimentModel, algo: AlgoId | undefined, issues: Issue[]): void {
  const env = experimentEnv(file, exp);
  const envEntry = exp.entries.find((e) => e.key === 'env');
  const at = (e: EntryModel | undefined): OffsetRange => (e ? (e.valueRange.end > e.valueRange.start ? e.valueRange : e.keyRange) : exp.nameRange);
  if (typeof env !== 'string' || !algo) return;
  const lm = isLmAlgo(algo);
  const text = isTextEnv(env);
  if (lm && !text && (env in ENV_SPECS || env === CUSTOM_ENV)) {
    issues.push({ severity: 'error', message: `${algo} trains a language model on a text task, not on ${env}; env must be one of ${TEXT_ENV_IDS.join(', ')}`, range: at(envEntry), key: 'env' });
    return;
  }
  if (!lm && text) {
    issues.push({ severity: 'error', message: `${env} is a text task for the language-model stages (${LM_ALGOS.join(', ')}); ${algo} needs a Gymnasium environment`, range: at(envEntry), key: 'env' });
    return;
  }
  if (!lm || !text) return;
  const dataset = exp.entries.find((e) => e.key === 'dataset');
  if (env === TEXT_DATASET_ENV && (!dataset || dataset.value === null)) {
    issues.push({ severity: 'error', message: `env ${TEXT_DATASET_ENV} takes its data from 'dataset': set dataset to a JSONL file (relative to this file)`, range: at(envEntry), key: 'dataset' });
  }
  if (dataset && typeof dataset.value === 'string' && dataset.value.trim()) {
    const problem = datasetPathProblem(file.filePath, dataset.value.trim());
    if (problem) issues.push({ severity: 'error', message: problem, range: at(dataset), key: 'dataset' });
  }
  const kwargs = exp.entries.find((e) => e.key === 'env_kwargs');
  if (!kwargs || kwargs.value === null || issues.some((i) => i.key === 'env_kwargs')) return;
  try {
    createTextTask(env, readEnvKwargs(kwargs.value, kwargs.tree).value);
  } catch (e) {
    issues.push({ severity: 'error', message: e instanceof Error ? e.message : String(e), range: at(kwargs), key: 'env_kwargs' });
  }
}

/** Why `algo` cannot train on `env`'s action space, or undefined when it can. */
export function actionSpaceProblem(algo: AlgoSpec, env: EnvSpec): string | undefined {
  // Tabular algorithms index a table by the state: they need Gymnasium's Discrete observation.
  if (algo.observationSpaces?.includes('discrete') && !env.discreteObservation) {
    const discrete = Object.values(ENV_SPECS).filter((e) => e.discreteObservation).map((e) => e.id);
    return `${algo.name} (${algo.id}) needs a discrete observation space (a finite set of states), but ${env.id} has Box(${env.observationSpace.shape.join(', ')},) observations; environments with one: ${discrete.join(', ')}`;
  }
  const kind = env.actionSpace.kind === 'discrete' ? 'discrete' : 'continuous';
  if (algo.actionSpaces.includes(kind)) return undefined;
  const space = env.actionSpace.kind === 'discrete' ? `Discrete(${env.actionSpace.n})` : `Box(${env.actionSpace.shape.join(', ')},)`;
  return `${algo.name} (${algo.id}) supports only ${algo.actionSpaces.join(' and ')} action spaces, but ${env.id} has a ${kind} action space ${space}`;
}

/**
 * batch_size against the rollout of n_steps x n_envs transitions (on-policy algorithms that
 * have both keys). SB3's PPO warns when the rollout is not a multiple of batch_size (the last
 * minibatch of every epoch is truncated) and a minibatch larger than the rollout is just the
 * whole rollout; both are warnings, as there.
 */
function checkBatchSize(exp: ExperimentModel, algo: AlgoId | undefined, issues: Issue[]): void {
  const batch = exp.entries.find((e) => e.key === 'batch_size');
  if (!batch || !algo || !paramSpec(algo, 'n_steps') || !paramSpec(algo, 'batch_size')) return;
  const size = (key: string): number | undefined => {
    const v = exp.entries.find((e) => e.key === key)?.value ?? paramSpec(algo, key)?.default;
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
  };
  const batchSize = size('batch_size');
  const nSteps = size('n_steps');
  const nEnvs = size('n_envs');
  if (batchSize === undefined || nSteps === undefined || nEnvs === undefined) return;
  const range = batch.valueRange.end > batch.valueRange.start ? batch.valueRange : batch.keyRange;
  const rollout = nSteps * nEnvs;
  const where = `n_steps x n_envs = ${nSteps} x ${nEnvs} = ${rollout}`;
  if (batchSize > rollout) {
    issues.push({
      severity: 'warning',
      message: `batch_size ${batchSize} is larger than the rollout ${where}; each minibatch will be the whole rollout`,
      range,
      key: 'batch_size',
      fixes: [{ title: `Change to ${rollout} (the whole rollout)`, range: batch.valueRange, newText: String(rollout), preferred: true }],
    });
  } else if (rollout % batchSize !== 0 && rollout <= 2 ** 31) {
    const divisor = largestDivisorAtMost(rollout, batchSize);
    issues.push({
      severity: 'warning',
      message: `the rollout ${where} is not a multiple of batch_size ${batchSize}: every epoch ends with a truncated minibatch of ${rollout % batchSize} (${divisor} divides it)`,
      range,
      key: 'batch_size',
      fixes: [{ title: `Change to ${divisor} (divides the rollout)`, range: batch.valueRange, newText: String(divisor), preferred: true }],
    });
  }
}

/** The largest divisor of n that is <= limit (1 at worst); divisors found in pairs up to sqrt(n). */
function largestDivisorAtMost(n: number, limit: number): number {
  let best = 1;
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    if (d <= limit && d > best) best = d;
    const pair = n / d;
    if (pair <= limit && pair > best) best = pair;
  }
  return best;
}

/** Issue text with its key in front, unless the message already quotes it. */
export function issueText(issue: { key?: string; message: string }): string {
  return issue.key && !issue.message.includes(`'${issue.key}'`) ? `${issue.key}: ${issue.message}` : issue.message;
}

/**
 * Language-model stages name other stages: `init_from` (any LM stage) and `reward_model`
 * (ppo_rlhf) name an experiment of this file or a run id (resolved when training starts, see
 * rlhf/initFrom.ts); `reward_module` names a JS/TS file. Other algorithms ignore init_from.
 */
function checkStageReferences(file: ExperimentFileModel, exp: ExperimentModel, algo: AlgoId | undefined, issues: Issue[]): void {
  for (const key of ['init_from', 'reward_model']) {
    const entry = exp.entries.find((e) => e.key === key);
    if (!entry || typeof entry.value !== 'string') continue;
    if (key === 'init_from' && algo && !isLmAlgo(algo)) {
      issues.push({ severity: 'warning', message: `'init_from' is only used by the language-model stages (${LM_ALGOS.join(', ')}); ${algo} ignores it`, range: entry.keyRange, key });
    } else if (entry.value === exp.name) {
      issues.push({ severity: 'error', message: `'${key}' names this experiment itself; name the experiment (or run id) to start from`, range: entry.valueRange, key });
    }
  }
  const module = exp.entries.find((e) => e.key === 'reward_module');
  if (module && typeof module.value === 'string' && module.value.trim()) {
    const full = resolveDatasetPath(file.filePath, module.value.trim());
    const ext = full.slice(full.lastIndexOf('.')).toLowerCase();
    let problem: string | undefined;
    if (!['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'].includes(ext)) problem = `reward_module '${module.value}' must be a JavaScript or TypeScript file`;
    else if (!existsSync(full) || !statSync(full).isFile()) problem = `reward_module '${module.value}' does not exist (looked for ${full})`;
    if (problem) issues.push({ severity: 'error', message: problem, range: module.valueRange, key: 'reward_module' });
  }
}
