/**
 * Validates experiments against the hyperparameter schema: unknown keys (with did-you-mean),
 * types, bounds, enum values, schedules, policy_kwargs, required keys, keys RL Lab does not
 * implement (warnings) and cross-key checks. The editor's diagnostics and loadExperimentConfig
 * (CLI, StartRun) both read these issues, so the two always agree.
 */
import { ENV_IDS, ENV_SPECS, makeDynamics } from '../training/envs/registry';
import { ALGO_IDS, EXPERIMENT_PARAMS, isAlgoId, paramSpec, paramsFor, allParamKeys, type AlgoId, type ParamSpec } from '../schema';
import { checkValue, readEnvKwargs, type ValueIssue } from './checkValue';
import { didYouMean } from './didYouMean';
import type { EntryModel, ExperimentFileModel, ExperimentModel, Issue, OffsetRange } from './model';
import { HYPERPARAMETERS_KEY } from './parse';
import { ZOO_UNIMPLEMENTED_KEYS, zooUnimplementedMessage } from './zooKeys';

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
  for (const entry of exp.entries) checkEntry(file, algo, entry, issues);
  checkBatchSize(exp, issues);
  checkEnvKwargs(file, exp, issues);
  // A Zoo experiment for an environment RL Lab lacks cannot run anyway: its problems are only warnings.
  if (file.format === 'zoo' && !(exp.name in ENV_SPECS)) return issues.map((i) => ({ ...i, severity: 'warning' }));
  return issues;
}

function checkRequired(file: ExperimentFileModel, exp: ExperimentModel, issues: Issue[]): void {
  const implied = file.format === 'zoo' ? ['algo', 'env'] : [];
  for (const spec of EXPERIMENT_PARAMS.filter((p) => p.required)) {
    if (implied.includes(spec.key) || exp.entries.some((e) => e.key === spec.key)) continue;
    issues.push({ severity: 'error', message: `missing required key '${spec.key}' (${spec.summary})`, range: exp.nameRange, key: spec.key });
  }
}

/** Zoo files list many environments RL Lab lacks; that is a warning, not an error. */
function checkZooEnv(file: ExperimentFileModel, exp: ExperimentModel, issues: Issue[]): void {
  if (file.format !== 'zoo' || exp.name in ENV_SPECS) return;
  issues.push({
    severity: 'warning',
    message: `RL Lab has no environment '${exp.name}'${didYouMean(exp.name, ENV_IDS)} (available: ${ENV_IDS.join(', ')}); this experiment cannot be run`,
    range: exp.nameRange,
    key: 'env',
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

function checkEntry(file: ExperimentFileModel, algo: AlgoId | undefined, entry: EntryModel, issues: Issue[]): void {
  const spec = paramSpec(algo, entry.key);
  if (!spec) {
    if (entry.key in ZOO_UNIMPLEMENTED_KEYS) {
      issues.push({ severity: 'warning', message: zooUnimplementedMessage(entry.key), range: entry.keyRange, key: entry.key });
      return;
    }
    const known = algo ? paramsFor(algo).map((p) => p.key) : allParamKeys();
    issues.push({
      severity: 'error',
      message: `unknown key '${entry.key}'${didYouMean(entry.key, known)}`,
      range: entry.keyRange,
      key: entry.key,
    });
    return;
  }
  if (spec.implemented === false) {
    issues.push({
      severity: 'warning',
      message: `'${spec.key}' is accepted for RL Baselines3 Zoo compatibility but RL Lab does not implement it yet; it is ignored`,
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
  return { severity: v.severity, message: v.message, range, key: spec.key };
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
  try {
    makeDynamics(env, readEnvKwargs(entry.value, entry.tree).value);
  } catch (e) {
    issues.push({
      severity: 'error',
      message: e instanceof Error ? e.message : String(e),
      range: entry.valueRange.end > entry.valueRange.start ? entry.valueRange : entry.keyRange,
      key: 'env_kwargs',
    });
  }
}

/** SB3 warns when a minibatch would be larger than the rollout; so do we. */
function checkBatchSize(exp: ExperimentModel, issues: Issue[]): void {
  const batch = exp.entries.find((e) => e.key === 'batch_size');
  const size = (key: string): number | undefined => {
    const v = exp.entries.find((e) => e.key === key)?.value ?? paramSpec('ppo', key)?.default;
    return typeof v === 'number' ? v : undefined;
  };
  const batchSize = size('batch_size');
  const nSteps = size('n_steps');
  const nEnvs = size('n_envs');
  if (!batch || batchSize === undefined || nSteps === undefined || nEnvs === undefined) return;
  const rollout = nSteps * nEnvs;
  if (batchSize > rollout) {
    issues.push({
      severity: 'warning',
      message: `batch_size ${batchSize} is larger than the rollout n_steps x n_envs = ${nSteps} x ${nEnvs} = ${rollout}; each minibatch will be the whole rollout`,
      range: batch.valueRange.end > batch.valueRange.start ? batch.valueRange : batch.keyRange,
      key: 'batch_size',
    });
  }
}

/** Issue text with its key in front, unless the message already quotes it. */
export function issueText(issue: { key?: string; message: string }): string {
  return issue.key && !issue.message.includes(`'${issue.key}'`) ? `${issue.key}: ${issue.message}` : issue.message;
}
