/**
 * Reads `policy_kwargs` (a parsed Python-dict string or a YAML mapping, both as PyNode trees)
 * into RL Lab's PolicyKwargs. Unsupported entries become issues pointing at the entry.
 */
import type { Activation, PolicyKwargs } from '../schema';
import { didYouMean } from './didYouMean';
import type { PyDictEntry, PyNode } from './pyDict';

export interface KwargsIssue {
  severity: 'error' | 'warning';
  message: string;
  /** Offsets in the node tree's own coordinates (the string, or the document for YAML). */
  start: number;
  end: number;
}

export interface KwargsResult {
  value: Partial<PolicyKwargs>;
  issues: KwargsIssue[];
}

/** The policy_kwargs RL Lab acts on, with a line each for completion. */
export const POLICY_KWARGS_KEYS: Readonly<Record<string, string>> = {
  net_arch: 'Hidden layer sizes: [64, 64] for actor and critic alike, or {pi: [...], vf: [...]} ({pi: [...], qf: [...]} for DDPG/TD3/SAC)',
  activation_fn: 'Hidden-layer activation: nn.Tanh or nn.ReLU',
  ortho_init: 'Orthogonal initialisation of the weights (true/false)',
  log_std_init: 'Initial log standard deviation of a Gaussian policy',
  full_std: 'gSDE: a log std per latent feature and action dimension (True) or per latent feature (False)',
  use_expln: 'gSDE: std = exp(x) below 0 and log1p(x) + 1 above, instead of exp(x) (True/False)',
  clip_mean: 'SAC with gSDE: clip the mean to [-clip_mean, clip_mean] before the tanh (default 2.0; 0: no clip)',
};
const SUPPORTED = Object.keys(POLICY_KWARGS_KEYS);

/** Stable-Baselines3 policy options RL Lab accepts but does not act on (yet). */
const KNOWN_UNIMPLEMENTED = [
  'squash_output',
  'optimizer_class',
  'optimizer_kwargs',
  'features_extractor_class',
  'features_extractor_kwargs',
  'share_features_extractor',
  'normalize_images',
  'lstm_hidden_size',
  'n_lstm_layers',
  'enable_critic_lstm',
  'shared_lstm',
];

/** `nn.ReLU`, `torch.nn.ReLU`, `th.nn.ReLU` and the plain `relu` of a YAML mapping. */
const ACTIVATION_NAME = /^(?:(?:torch|th)\.)?(?:nn\.)?([A-Za-z]+)$/;
const ACTIVATIONS: Record<string, Activation> = { tanh: 'tanh', relu: 'relu' };

export function interpretPolicyKwargs(node: PyNode): KwargsResult {
  const issues: KwargsIssue[] = [];
  const value: Partial<PolicyKwargs> = {};
  if (node.kind !== 'dict') {
    issues.push(err(node, 'policy_kwargs must be a mapping or a "dict(...)" string'));
    return { value, issues };
  }
  for (const entry of node.entries) {
    switch (entry.key) {
      case 'net_arch': {
        const arch = netArch(entry.value, issues);
        if (arch) value.net_arch = arch;
        break;
      }
      case 'activation_fn': {
        const act = activation(entry.value, issues);
        if (act) value.activation_fn = act;
        break;
      }
      case 'ortho_init':
        if (entry.value.kind === 'bool') value.ortho_init = entry.value.value;
        else issues.push(err(entry.value, 'ortho_init must be True or False'));
        break;
      case 'log_std_init':
        if (entry.value.kind === 'number') value.log_std_init = entry.value.value;
        else issues.push(err(entry.value, 'log_std_init must be a number'));
        break;
      case 'full_std':
      case 'use_expln':
        if (entry.value.kind === 'bool') value[entry.key] = entry.value.value;
        else issues.push(err(entry.value, `${entry.key} must be True or False`));
        break;
      case 'clip_mean':
        if (entry.value.kind === 'number') value.clip_mean = entry.value.value;
        else issues.push(err(entry.value, 'clip_mean must be a number'));
        break;
      default:
        issues.push(unknownEntry(entry));
    }
  }
  return { value, issues };
}

function unknownEntry(entry: PyDictEntry): KwargsIssue {
  const range = { start: entry.keyStart, end: entry.keyEnd };
  if (KNOWN_UNIMPLEMENTED.includes(entry.key)) {
    return { severity: 'warning', message: `policy_kwargs '${entry.key}' is not implemented by RL Lab; it is ignored`, ...range };
  }
  const hint = didYouMean(entry.key, SUPPORTED);
  return {
    severity: 'error',
    message: `unsupported policy_kwargs entry '${entry.key}'${hint}; supported: ${SUPPORTED.join(', ')}`,
    ...range,
  };
}

function layerSizes(node: PyNode, issues: KwargsIssue[], what: string): number[] | undefined {
  if (node.kind !== 'list') {
    issues.push(err(node, `${what} must be a list of layer sizes such as [64, 64]`));
    return undefined;
  }
  const sizes: number[] = [];
  for (const item of node.items) {
    if (item.kind !== 'number' || !Number.isInteger(item.value) || item.value < 1) {
      issues.push(err(item, `${what}: layer sizes must be positive whole numbers`));
      return undefined;
    }
    sizes.push(item.value);
  }
  return sizes;
}

function piVf(node: PyNode & { kind: 'dict' }, issues: KwargsIssue[]): PolicyKwargs['net_arch'] | undefined {
  let pi: number[] | undefined = [];
  let vf: number[] | undefined = [];
  // qf: the Q-networks of the off-policy actor-critics (SB3's DDPG/TD3/SAC dict(pi=..., qf=...)).
  let qf: number[] | undefined;
  let hasQf = false;
  for (const e of node.entries) {
    if (e.key === 'pi') pi = layerSizes(e.value, issues, 'net_arch pi');
    else if (e.key === 'vf') vf = layerSizes(e.value, issues, 'net_arch vf');
    else if (e.key === 'qf') {
      hasQf = true;
      qf = layerSizes(e.value, issues, 'net_arch qf');
    } else {
      issues.push({ severity: 'error', message: `net_arch takes pi and vf (or qf), not '${e.key}'`, start: e.keyStart, end: e.keyEnd });
      return undefined;
    }
  }
  if (hasQf && !qf) return undefined;
  return pi && vf ? { pi, vf, ...(qf ? { qf } : {}) } : undefined;
}

/**
 * SB3 >= 1.8 forms: [64, 64] (same sizes, separate actor and critic) and dict(pi=[..], vf=[..]);
 * the older [dict(pi=[..], vf=[..])] is read the same way. Shared layers before the dict were
 * removed in SB3 1.8 and are rejected.
 */
function netArch(node: PyNode, issues: KwargsIssue[]): PolicyKwargs['net_arch'] | undefined {
  if (node.kind === 'dict') return piVf(node, issues);
  if (node.kind === 'list' && node.items.some((i) => i.kind === 'dict')) {
    if (node.items.length === 1 && node.items[0].kind === 'dict') return piVf(node.items[0], issues);
    issues.push(err(node, 'net_arch with shared layers before dict(pi=..., vf=...) is not supported; give separate pi and vf lists'));
    return undefined;
  }
  const sizes = layerSizes(node, issues, 'net_arch');
  return sizes ? { pi: sizes, vf: [...sizes] } : undefined;
}

function activation(node: PyNode, issues: KwargsIssue[]): Activation | undefined {
  const name = node.kind === 'name' ? node.name : node.kind === 'string' ? node.value : undefined;
  const base = name !== undefined ? ACTIVATION_NAME.exec(name)?.[1]?.toLowerCase() : undefined;
  const act = base !== undefined ? ACTIVATIONS[base] : undefined;
  if (!act) issues.push(err(node, `activation_fn ${name ?? 'value'} is not supported; use nn.Tanh or nn.ReLU`));
  return act;
}

function err(node: PyNode, message: string): KwargsIssue {
  return { severity: 'error', message, start: node.start, end: node.end };
}
