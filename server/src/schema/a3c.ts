import { A2C_PARAMS } from './a2c';
import { reuse } from './reuse';
import type { AlgoSpec, ParamSpec } from './types';

const A3C_RULE = [
  'each worker thread, repeatedly (Mnih et al. 2016, Algorithm S3):',
  '  theta\' <- theta                          (copy the SHARED parameters)',
  '  play n_steps x n_envs steps with pi(.|s; theta\') on its own env copies',
  '  A_t = R_t - V(s_t; theta\'),  R_t = r_t + gamma r_{t+1} + ... + gamma^(n-t) V(s_n)   (n-step; GAE when gae_lambda < 1)',
  '  g = grad_theta\' [ -mean log pi(a_t|s_t) A_t + vf_coef mean (V(s_t) - R_t)^2 - ent_coef mean H(pi(.|s_t)) ]',
  '  g <- g * min(1, max_grad_norm / |g|)',
  '  shared RMSProp, no lock (Hogwild):  v <- alpha v + (1 - alpha) g^2;  theta <- theta - lr g / (sqrt(v) + eps)',
].join('\n');

export const A3C: AlgoSpec = {
  id: 'a3c',
  name: 'Asynchronous Advantage Actor-Critic (A3C)',
  summary: 'Several worker threads, each with its own environments and network copy, apply actor-critic gradients to shared parameters asynchronously, without a lock.',
  explanation:
    'A3C as in Mnih et al. 2016: n_workers threads (node:worker_threads), each with its own TensorFlow.js, copy the shared parameters, play a short rollout, compute the n-step actor-critic gradient with an entropy bonus and apply it to the shared parameters and the shared RMSProp statistics (SharedArrayBuffer) at once, Hogwild-style: no worker waits for another, so a gradient may be computed on parameters a few updates old, and two workers may write the same weight at the same time.\n\n' +
    'Versus `a2c` (the synchronous variant): A2C steps all n_envs together and takes ONE gradient step on the whole batch, so every gradient is computed on the current parameters and the run is deterministic for a seed. A3C trades that for parallelism across CPU cores: updates are n_workers times as frequent, slightly stale, and the run is not reproducible (thread timing decides the order of updates). The run records `charts/workers` (threads used) and `charts/async_updates` (updates applied to the shared parameters).\n\n' +
    `\`\`\`text\n${A3C_RULE}\n\`\`\`\n\nObservation normalization (\`normalize\`) is not supported: each worker would keep its own statistics.`,
  actionSpaces: ['discrete', 'continuous'],
};

const a3c = ['a3c'] as const;

export const A3C_PARAMS: readonly ParamSpec[] = [
  {
    key: 'n_workers',
    type: 'int',
    default: 2,
    min: 1,
    max: 64,
    sensible: [1, 16],
    summary: 'Worker threads, each with its own environments, network copy and TensorFlow.js, updating the shared parameters asynchronously.',
    explanation:
      'One per CPU core is the usual choice (the A3C paper used 16 threads on 16 cores). More workers than cores only interleave. Each worker runs n_envs environment copies, so a run steps n_workers x n_envs environments; its seed is the run seed offset by the worker index. Recorded as `charts/workers`.',
    algos: a3c,
  },
  reuse(A2C_PARAMS, 'learning_rate', a3c, {
    summary: 'Shared RMSProp step size; a number or `lin_<start>` for linear decay to 0 (the paper anneals to 0).',
    explanation: 'Each worker reads the decay from the shared step count. `lin_0.0007` decays linearly to 0 at the end of training.',
  }),
  reuse(A2C_PARAMS, 'n_steps', a3c, {
    summary: 'Steps each worker plays on each of its envs before computing and applying one gradient (t_max in the paper).',
    explanation: 'The paper uses t_max = 5 with one env per thread. Also the horizon of the n-step returns when gae_lambda = 1.',
  }),
  reuse(A2C_PARAMS, 'gamma', a3c),
  reuse(A2C_PARAMS, 'gae_lambda', a3c),
  reuse(A2C_PARAMS, 'ent_coef', a3c, {
    default: 0.01,
    summary: 'Weight of the entropy bonus (the paper: beta = 0.01).',
    formula: 'loss = -mean( log pi(a_t|s_t) * A_t ) + vf_coef * mean( (V(s_t) - R_t)^2 ) - ent_coef * H   (Mnih et al. 2016, eq. 8 with the entropy term)',
  }),
  reuse(A2C_PARAMS, 'vf_coef', a3c),
  reuse(A2C_PARAMS, 'max_grad_norm', a3c, { summary: 'Each worker clips its gradient to this global L2 norm before applying it.' }),
  reuse(A2C_PARAMS, 'rms_prop_eps', a3c, {
    summary: 'Epsilon of the shared RMSProp (added to the root mean square, as PyTorch does).',
    explanation: 'The RMSProp statistics v are shared by all workers (the paper\'s "shared RMSProp", more robust than per-thread statistics) and updated without a lock.',
    formula: 'v <- alpha v + (1 - alpha) g^2   (alpha = rms_prop_alpha, shared across workers)\ntheta <- theta - lr * g / (sqrt(v) + eps)',
  }),
  {
    key: 'rms_prop_alpha',
    type: 'float',
    default: 0.99,
    min: 0,
    max: 1,
    sensible: [0.9, 0.999],
    summary: 'Decay of the shared RMSProp running mean of squared gradients (the paper: 0.99).',
    explanation: 'Closer to 1 averages over more updates (from all workers).',
    formula: 'v <- alpha v + (1 - alpha) g^2',
    algos: a3c,
  },
  reuse(A2C_PARAMS, 'normalize_advantage', a3c, { explanation: 'Over each worker\'s rollout (the batch of its gradient).' }),
];
