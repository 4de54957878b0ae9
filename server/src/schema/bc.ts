import { PPO_PARAMS } from './ppo';
import { reuse } from './reuse';
import type { AlgoSpec, ParamSpec } from './types';

const BC_RULE = [
  'supervised learning on demonstration pairs (s, a*)        (Pomerleau 1991; imitation library\'s BC)',
  'Discrete:  loss = mean( -log softmax(logits(s))[a*] )     (cross-entropy; act with argmax)',
  'Box:       loss = mean( |mu(s) - a*|^2 ) / action_dim      (mean squared error; act with the mean)',
  'theta <- Adam(theta, grad loss), minibatches of batch_size, n_epochs passes',
].join('\n');

export const BC: AlgoSpec = {
  id: 'bc',
  name: 'Behaviour cloning (imitation learning)',
  summary: 'Trains a policy to copy an expert\'s actions from recorded (observation, action) pairs: supervised learning, no reward, no environment steps while training.',
  explanation:
    'Reads `demonstrations` (a JSONL file of pairs or episodes, or a finished run whose policy plays the episodes), holds out `validation_split` of the pairs, and fits the policy network to the expert\'s actions. Each epoch reports how well it imitates (`eval/action_accuracy` on the held-out pairs for Discrete actions, `eval/action_mse` for Box actions); at the end (and every `eval_freq` epochs) the policy plays `eval_episodes` episodes on the env, reported as `eval/mean_return` and the episodic-return curve, so you can compare it with the expert\'s score.\n\n' +
    'Behaviour cloning only sees the states the expert visited; a small mistake can lead to states it never saw, where errors compound (Ross et al. 2011, DAgger). Demonstrations that cover recoveries help.\n\n' +
    `\`\`\`text\n${BC_RULE}\n\`\`\`\n\nThe step of a run counts demonstration pairs trained on (n_timesteps is not used). Observation normalization (\`normalize\`) is not supported.`,
  actionSpaces: ['discrete', 'continuous'],
};

const bc = ['bc'] as const;

export const BC_PARAMS: readonly ParamSpec[] = [
  {
    key: 'demonstrations',
    type: 'string',
    default: null,
    nullable: true,
    summary: 'The expert data: a JSONL file (relative to the experiment file), or `run:<run id>` to record a finished run\'s policy.',
    explanation:
      'A JSONL file, one JSON object per line, either a pair `{"obs": [...], "action": 1}` (Box actions: `"action": [0.3, -1]`) or a whole episode `{"observations": [[...], ...], "actions": [...]}` (other keys are ignored). `rl-lab eval RUN --record FILE.jsonl` writes such a file from a run\'s evaluation episodes. `run:<id>` (a run of this workspace, `.rl-lab/runs/<id>`) plays that run\'s newest checkpoint deterministically for `demo_episodes` episodes and clones what it did. The observations and actions must fit the env\'s spaces.',
    algos: bc,
  },
  {
    key: 'demo_episodes',
    type: 'int',
    default: 10,
    min: 1,
    max: 10000,
    sensible: [5, 100],
    summary: 'With `demonstrations: run:<id>`: how many episodes the run\'s policy plays to record.',
    explanation: 'Episode i resets from the run\'s seed + i, as `rl-lab eval` does. Ignored for a file.',
    algos: bc,
  },
  reuse(PPO_PARAMS, 'learning_rate', bc, {
    default: 1e-3,
    summary: 'Adam step size; a number or `lin_<start>` for linear decay to 0 over the epochs.',
    explanation: 'Step size of the Adam optimizer on the imitation loss.',
    formula: 'lin_x:  lr = x * (1 - epochs_done / n_epochs)',
  }),
  reuse(PPO_PARAMS, 'batch_size', bc, {
    default: 64,
    summary: 'Demonstration pairs per gradient step.',
    explanation: 'The training pairs are shuffled each epoch and split into minibatches of this size (a last partial one is used too).',
  }),
  reuse(PPO_PARAMS, 'n_epochs', bc, {
    default: 20,
    sensible: [5, 200],
    summary: 'Passes over the training pairs.',
    explanation: 'More epochs fit the expert more closely; watch the held-out accuracy (or MSE) to see when more stops helping.',
  }),
  {
    key: 'validation_split',
    type: 'float',
    default: 0.1,
    min: 0,
    max: 0.9,
    sensible: [0.05, 0.3],
    summary: 'Share of the demonstration pairs held out to measure imitation (never trained on).',
    explanation: 'Drawn at random with the run seed. 0 measures on the training pairs themselves (optimistic).',
    formula: 'eval/action_accuracy = mean over held-out pairs of [ argmax_a pi(a|s) = a* ]\neval/action_mse = mean over held-out pairs of |mu(s) - a*|^2 / action_dim',
    algos: bc,
  },
  {
    key: 'eval_episodes',
    type: 'int',
    default: 10,
    min: 0,
    max: 10000,
    sensible: [5, 100],
    summary: 'Episodes the cloned policy plays on the env (deterministically) to report its return.',
    explanation: 'Episode i resets from the run seed + i. Their mean is `eval/mean_return` and the run\'s final mean return. 0 skips the evaluation.',
    algos: bc,
  },
  {
    key: 'eval_freq',
    type: 'int',
    default: 0,
    min: 0,
    sensible: [0, 50],
    summary: 'Epochs between evaluations on the env; 0: only after the last epoch.',
    explanation: 'Each evaluation plays eval_episodes episodes, which costs time on long episodes.',
    algos: bc,
  },
];
