/**
 * Fills defaults into a validated experiment to make the ResolvedConfig the engine trains and
 * the run folder's config.yaml records. Only called once validation found no errors.
 */
import { randomInt } from 'node:crypto';
import { ALGOS, paramSpec, paramsFor, type AlgoId, type AlgoHyperparameters, type PolicyKwargs, type ResolvedConfig } from '../schema';
import { readEnvKwargs, readPolicyKwargs } from './checkValue';
import { readNormalize, resolveNormalize } from './normalize';
import { readSweep } from './sweep';
import type { PyNode } from './pyDict';
import { CUSTOM_ENV } from '../training/envs/custom/id';

/** A key's value as validated, and its tree when it is a mapping or a list. */
export interface SettledValue {
  value: unknown;
  tree: PyNode | null;
}

/** The largest seed: seeds are 31-bit so every backend and RNG can take them. */
const MAX_SEED = 2 ** 31 - 1;

export function resolveConfig(
  experiment: string,
  algo: AlgoId,
  env: string,
  values: ReadonlyMap<string, SettledValue>,
  drawSeed: () => number = () => randomInt(0, MAX_SEED),
): ResolvedConfig {
  const get = (key: string): unknown => {
    const v = values.get(key)?.value;
    return v === undefined ? paramSpec(algo, key)?.default : v;
  };
  // The algorithm's own policy defaults (DQN: ReLU, PyTorch init) over the experiment-wide ones.
  const defaults = { ...(paramSpec(algo, 'policy_kwargs')?.default as unknown as PolicyKwargs), ...ALGOS[algo].policyDefaults };
  const kwargs = values.get('policy_kwargs');
  const given = kwargs && kwargs.value !== null ? readPolicyKwargs(kwargs.value, kwargs.tree).value : {};
  const policyKwargs: PolicyKwargs = {
    net_arch: given.net_arch ?? { pi: [...defaults.net_arch.pi], vf: [...defaults.net_arch.vf] },
    activation_fn: given.activation_fn ?? defaults.activation_fn,
    ortho_init: given.ortho_init ?? defaults.ortho_init,
    log_std_init: given.log_std_init ?? defaults.log_std_init,
    // gSDE's options, recorded only when written (SB3 defaults full_std True, use_expln False).
    ...(given.full_std !== undefined ? { full_std: given.full_std } : {}),
    ...(given.use_expln !== undefined ? { use_expln: given.use_expln } : {}),
    ...(given.clip_mean !== undefined ? { clip_mean: given.clip_mean } : {}),
  };
  const hyperparameters: Record<string, unknown> = {};
  for (const spec of paramsFor(algo).filter((p) => p.algos !== 'all')) hyperparameters[spec.key] = get(spec.key);
  const seed = get('seed');
  const normalize = values.get('normalize');
  const envModule = get('env_module');
  const initFrom = get('init_from');
  const envKwargs = values.get('env_kwargs');
  const sweepValue = values.get('sweep')?.value;
  const sweepSpec = sweepValue !== undefined && sweepValue !== null ? readSweep(sweepValue).value : undefined;
  return {
    experiment,
    algo,
    env,
    env_kwargs: envKwargs && envKwargs.value !== null ? readEnvKwargs(envKwargs.value, envKwargs.tree).value : {},
    // Made absolute against the experiment file's folder by loadExperimentConfig.
    ...(env === CUSTOM_ENV && typeof envModule === 'string' ? { env_module: envModule } : {}),
    ...(typeof initFrom === 'string' && initFrom.trim() ? { init_from: initFrom.trim() } : {}),
    normalize: resolveNormalize(normalize ? readNormalize(normalize.value, normalize.tree).value : false, hyperparameters.gamma as number),
    n_envs: get('n_envs') as number,
    n_timesteps: get('n_timesteps') as number,
    seed: typeof seed === 'number' ? seed : drawSeed(),
    policy: get('policy') as string,
    policy_kwargs: policyKwargs,
    checkpoint_freq: get('checkpoint_freq') as number,
    ...(sweepSpec ? { sweep: sweepSpec } : {}),
    hyperparameters: hyperparameters as unknown as AlgoHyperparameters,
  };
}
