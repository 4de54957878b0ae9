/**
 * Experiment files: RL Lab `*.rl.yaml` and RL Baselines3 Zoo `hyperparams/<algo>.yml`.
 * `loadExperimentConfig` is what the CLI and the server's StartRun use; the parsed model and
 * validation are what the editor features use.
 */
import { ENV_IDS, ENV_SPECS } from '../training/envs/registry';
import { CUSTOM_ENV } from '../training/envs/custom/id';
import { resolveEnvModule } from '../training/envs/custom/path';
import { isTextEnv, TEXT_ENV_IDS } from '../training/rlhf/tasks';
import { resolveLmPaths } from '../training/rlhf/data/paths';
import { resolveDemonstrationsPath } from '../training/algos/bc/demonstrations';
import { hyperparametersOf, isAlgoId, paramSpec, paramsFor, allParamKeys, ALGO_IDS, type ResolvedConfig } from '../schema';
import { checkValue } from './checkValue';
import { didYouMean } from './didYouMean';
import type { ExperimentFileModel, ExperimentModel, Issue } from './model';
import { parseOverride, readOverride } from './overrides';
import { parseExperimentFile } from './parse';
import { resolveConfig, type SettledValue } from './resolve';
import { validateExperiment, validateFile, experimentAlgo, envKwargsProblem } from './validate';
import { unsupportedKeyMessage, ZOO_UNIMPLEMENTED_KEYS } from './zooKeys';

export * from './model';
export { parseExperimentFile, isTemplateName, HYPERPARAMETERS_KEY } from './parse';
export { validateExperiment, validateFile, experimentAlgo, experimentEnv, issueText, actionSpaceProblem } from './validate';
export { readNormalize, resolveNormalize, NORMALIZE_KEYS } from './normalize';
export { detectFormat } from './format';
export { parseScheduleValue, type ParsedSchedule } from './schedule';
export { readPolicyKwargs, rangeText, formatDefault } from './checkValue';
export { parsePyLiteral, PyParseError, type PyNode } from './pyDict';
export { interpretPolicyKwargs, POLICY_KWARGS_KEYS } from './policyKwargs';
export { unsupportedKeyMessage, ZOO_UNIMPLEMENTED_KEYS } from './zooKeys';
export { SWEEP_KEY, SWEEP_METHODS, readSweepSummary, type SweepSummary } from './sweepCheck';
export { expandSweep, planSweep, readSweep, sweepConfigs, sweepSize, trialOverrides, MAX_SWEEP_RUNS, type SweepTrial } from './sweep';
export { nearestValid } from './checkValue';
export { closeMatch } from './didYouMean';

export interface ConfigError {
  file: string;
  /** 1-based. */
  line: number;
  key?: string;
  message: string;
}

/** Warnings do not stop a run; they come back beside the config so the CLI can print them. */
export type LoadResult = { config: ResolvedConfig; warnings: ConfigError[] } | { error: ConfigError };

/** "file:line: key: message" (the key is left out when the message already quotes it). */
export function formatConfigError(e: ConfigError): string {
  const keyPart = e.key && !e.message.includes(`'${e.key}'`) ? `${e.key}: ` : '';
  return `${e.file}:${e.line}: ${keyPart}${e.message}`;
}

export function listExperiments(text: string, filePath: string): { name: string; line: number }[] {
  const file = parseExperimentFile(text, filePath);
  return file.experiments.map((e) => ({ name: e.name, line: lineOf(file, e.nameRange.start) }));
}

/**
 * Parses, validates and resolves one experiment (the first when `experiment` is undefined),
 * applying `key=value` overrides, which are validated like the file's own values.
 */
export function loadExperimentConfig(
  text: string,
  filePath: string,
  experiment: string | undefined,
  overrides: string[] = [],
  drawSeed?: () => number,
): LoadResult {
  const file = parseExperimentFile(text, filePath);
  const fail = (line: number, message: string, key?: string): LoadResult => ({ error: { file: filePath, line, key, message } });
  const toError = (issue: Issue): ConfigError => ({
    file: filePath,
    line: lineOf(file, issue.range.start),
    key: issue.key,
    message: issue.message,
  });

  const syntax = file.syntaxIssues.find((i) => i.severity === 'error');
  if (syntax) return { error: toError(syntax) };
  const exp = pickExperiment(file, experiment);
  if (!exp) {
    const names = file.experiments.map((e) => e.name);
    if (!names.length) return fail(1, 'the file defines no experiments');
    return fail(1, `no experiment '${experiment}'${didYouMean(experiment ?? '', names)} (experiments: ${names.join(', ')})`);
  }
  const expLine = lineOf(file, exp.nameRange.start);
  if (file.format === 'zoo' && !isAlgoId(file.fileAlgo)) {
    return fail(1, `RL Lab does not implement the algorithm '${file.fileAlgo}' (implemented: ${ALGO_IDS.join(', ')})`, 'algo');
  }

  const issues = [...validateFile(file), ...validateExperiment(file, exp)];
  const values = new Map<string, SettledValue>(exp.entries.map((e) => [e.key, { value: e.value, tree: e.tree }]));
  const overrideIssues: ConfigError[] = [];
  for (const text of overrides) {
    const o = parseOverride(text);
    if ('error' in o) return fail(expLine, o.error);
    const line = lineOf(file, exp.entries.find((e) => e.key === o.key)?.keyRange.start ?? exp.nameRange.start);
    if (file.format === 'zoo' && (o.key === 'env' || o.key === 'algo')) {
      return fail(line, `--set ${o.key}: an RL Baselines3 Zoo file takes ${o.key === 'env' ? 'the env id from its top-level key' : 'the algorithm from its file name'}`, o.key);
    }
    const algo = o.key === 'algo' && isAlgoId(o.value) ? o.value : experimentAlgo(file, exp);
    const spec = paramSpec(algo, o.key);
    if (!spec) {
      const unsupported = unsupportedKeyMessage(o.key, algo);
      if (unsupported) return fail(line, `--set ${o.key}: ${unsupported}`, o.key);
      if (o.key in ZOO_UNIMPLEMENTED_KEYS) continue;
      const known = algo ? paramsFor(algo).map((p) => p.key) : allParamKeys();
      return fail(line, `--set: unknown key '${o.key}'${didYouMean(o.key, known)}`, o.key);
    }
    const read = readOverride(o, spec); // read as the file reads that key's type
    if ('error' in read) return fail(line, read.error, o.key);
    const bad = checkValue(spec, read.value, read.tree);
    const firstError = bad.find((b) => b.severity === 'error');
    if (firstError) return fail(line, `--set ${text}: ${firstError.message}`, o.key);
    overrideIssues.push(...bad.map((b) => ({ file: filePath, line, key: o.key, message: b.message })));
    values.set(o.key, read);
  }
  // An override replaces the file's value, so the file's complaints about that key no longer apply.
  const overridden = new Set(overrides.map((o) => o.slice(0, Math.max(0, o.indexOf('='))).trim()));
  const remaining = issues.filter((i) => !(i.key && overridden.has(i.key)));
  const error = remaining.find((i) => i.severity === 'error');
  if (error) return { error: toError(error) };

  const algo = file.format === 'zoo' ? file.fileAlgo : values.get('algo')?.value;
  const env = file.format === 'zoo' ? exp.name : values.get('env')?.value;
  if (!isAlgoId(algo)) return fail(expLine, `unknown algorithm ${String(algo)} (implemented: ${ALGO_IDS.join(', ')})`, 'algo');
  if (typeof env !== 'string' || !(env in ENV_SPECS || env === CUSTOM_ENV || isTextEnv(env))) {
    return fail(expLine, `RL Lab has no environment '${String(env)}'${didYouMean(String(env), [...ENV_IDS, ...TEXT_ENV_IDS])} (available: ${[...ENV_IDS, ...TEXT_ENV_IDS].join(', ')})`, 'env');
  }
  // The file's env_kwargs check is a cross-key one (it needs env), so an override is checked here.
  if (overridden.has('env_kwargs') || overridden.has('env')) {
    const kwargs = values.get('env_kwargs');
    const problem = kwargs && kwargs.value !== null ? envKwargsProblem(env, kwargs.value, kwargs.tree) : undefined;
    if (problem) return fail(lineOf(file, exp.entries.find((e) => e.key === 'env_kwargs')?.keyRange.start ?? exp.nameRange.start), `--set env_kwargs: ${problem}`, 'env_kwargs');
  }
  const warnings = [...remaining.filter((i) => i.severity === 'warning').map(toError), ...overrideIssues];
  const config = resolveConfig(exp.name, algo, env, values, drawSeed);
  if (config.env_module !== undefined) config.env_module = resolveEnvModule(filePath, config.env_module);
  resolveLmPaths(config, filePath); // language-model stages: `dataset` relative to the file
  if (config.algo === 'bc') {
    const hp = hyperparametersOf(config, 'bc');
    if (hp.demonstrations) hp.demonstrations = resolveDemonstrationsPath(filePath, hp.demonstrations);
  }
  return { config, warnings };
}

function pickExperiment(file: ExperimentFileModel, name: string | undefined): ExperimentModel | undefined {
  return name === undefined ? file.experiments[0] : file.experiments.find((e) => e.name === name);
}

/** 1-based line of an offset. */
function lineOf(file: ExperimentFileModel, offset: number): number {
  return file.lineCounter.linePos(offset).line;
}
