/**
 * Environment ids, their spaces and limits (Gymnasium's values), and their factories.
 * The editor side reads only the specs; the engine also makes environments from here.
 */
import type { EnvSpec } from './spaces';

const F32_MAX = 3.4028234663852886e38;

export const ENV_SPECS: Readonly<Record<string, EnvSpec>> = {
  'CartPole-v1': {
    id: 'CartPole-v1',
    summary: 'Balance a pole on a cart by pushing left or right; +1 per step upright.',
    observationSpace: {
      kind: 'box',
      shape: [4],
      low: [-4.8, -F32_MAX, -0.41887903, -F32_MAX],
      high: [4.8, F32_MAX, 0.41887903, F32_MAX],
    },
    actionSpace: { kind: 'discrete', n: 2 },
    rewardThreshold: 475,
    maxEpisodeSteps: 500,
  },
  'Pendulum-v1': {
    id: 'Pendulum-v1',
    summary: 'Swing a pendulum up and hold it upright with a bounded torque; reward is minus the cost.',
    observationSpace: { kind: 'box', shape: [3], low: [-1, -1, -8], high: [1, 1, 8] },
    actionSpace: { kind: 'box', shape: [1], low: [-2], high: [2] },
    rewardThreshold: null,
    maxEpisodeSteps: 200,
  },
};

export const ENV_IDS: readonly string[] = Object.keys(ENV_SPECS);
