import { gsdeParams } from './a2c';
import { PPO_PARAMS } from './ppo';
import { reuse } from './reuse';
import type { AlgoId, AlgoSpec, ParamSpec } from './types';

/** Natural policy gradient (Kakade 2001), in the form TRPO's paper writes it; names from sb3-contrib's TRPO. */
export const NPG: AlgoSpec = {
  id: 'npg',
  name: 'Natural Policy Gradient',
  summary: 'Steps along F^-1 g (conjugate gradient on Fisher-vector products), scaled so the KL step is target_kl.',
  explanation:
    'Computes the policy gradient g of the surrogate advantage, solves F x = g for the natural gradient with conjugate gradient (F is the Fisher information, the Hessian of the mean KL between old and new policy, used only through exact Fisher-vector products), and steps by sqrt(2 delta / x^T F x) x, the largest step whose second-order KL estimate equals delta = target_kl. Always accepts the step (TRPO adds the line search). The critic is fitted separately with Adam.',
  actionSpaces: ['discrete', 'continuous'],
};

/** The keys NPG and TRPO share. */
export function naturalGradientParams(algos: readonly AlgoId[]): ParamSpec[] {
  return [
    reuse(PPO_PARAMS, 'learning_rate', algos, {
      default: 1e-3,
      summary: "The critic's Adam step size (the actor's step comes from target_kl).",
      explanation: 'Only the value network is trained by gradient descent; a number or `lin_<start>` for linear decay.',
    }),
    reuse(PPO_PARAMS, 'n_steps', algos, { summary: 'Steps collected per environment before each update.' }),
    reuse(PPO_PARAMS, 'batch_size', algos, {
      default: 128,
      summary: "Minibatch size of the critic's updates.",
      explanation: 'The value network takes n_critic_updates passes over the rollout in minibatches of this size. The policy step always uses the whole rollout.',
    }),
    reuse(PPO_PARAMS, 'gamma', algos),
    reuse(PPO_PARAMS, 'gae_lambda', algos),
    {
      key: 'target_kl',
      type: 'float',
      default: 0.01,
      min: 0,
      minExclusive: true,
      sensible: [0.001, 0.05],
      summary: 'The KL budget delta of each policy step (trust-region size).',
      explanation:
        'The step is scaled so that the second-order estimate of the mean KL divergence between the old and the new policy equals delta (NPG); TRPO additionally rejects candidates whose exact mean KL exceeds it.',
      formula: 'max_theta  g^T (theta - theta_k)   s.t.  1/2 (theta - theta_k)^T F (theta - theta_k) <= delta\n=> theta_{k+1} = theta_k + sqrt(2 delta / (x^T F x)) x,   x = F^-1 g        (Kakade 2001; Schulman et al. 2015)',
      algos,
    },
    {
      key: 'cg_max_steps',
      type: 'int',
      default: 15,
      min: 1,
      sensible: [5, 30],
      summary: 'Conjugate-gradient iterations to approximate F^-1 g.',
      explanation: 'Each iteration costs one Fisher-vector product (a forward-mode and a backward pass over the rollout). 10-20 is usual; more gives a more exact natural gradient.',
      formula: 'CG on F x = g:  r = g, p = g;  repeat: alpha = r.r / p.Fp;  x += alpha p;  r -= alpha Fp;  p = r + (r_new.r_new / r.r) p',
      algos,
    },
    {
      key: 'cg_damping',
      type: 'float',
      default: 0.1,
      min: 0,
      sensible: [0.01, 0.2],
      summary: 'Damping added to the Fisher matrix: CG solves (F + damping I) x = g.',
      explanation: 'Keeps the system well conditioned when F is nearly singular (few samples, saturated policies).',
      formula: 'F_damped v = F v + cg_damping * v',
      algos,
    },
    {
      key: 'n_critic_updates',
      type: 'int',
      default: 10,
      min: 1,
      sensible: [1, 30],
      summary: "Passes of the critic's minibatch updates over each rollout.",
      explanation: 'The value function is fitted to the GAE returns separately from the policy step, as in the TRPO/GAE paper.',
      formula: 'L_V = mean( (V_phi(s_t) - R_t)^2 ),   R_t = A_t + V_old(s_t)',
      algos,
    },
    reuse(PPO_PARAMS, 'normalize_advantage', algos, { summary: 'Normalize the advantages of the rollout to zero mean and unit std.', explanation: 'Over the whole rollout, before the policy gradient is computed.' }),
    {
      key: 'sub_sampling_factor',
      type: 'int',
      default: 1,
      min: 1,
      sensible: [1, 10],
      summary: 'Use every k-th transition of the rollout for the Fisher-vector products.',
      explanation: 'Cheaper conjugate-gradient iterations on large rollouts; 1 uses them all (sb3-contrib\'s option).',
      algos,
    },
    ...gsdeParams(algos),
  ];
}

export const NPG_PARAMS: readonly ParamSpec[] = naturalGradientParams(['npg']);
