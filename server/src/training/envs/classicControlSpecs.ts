/**
 * Specs and dynamics of Acrobot-v1, MountainCar-v0 and MountainCarContinuous-v0, spread into
 * registry.ts. Spaces are Gymnasium's (float32 bounds written as their shortest decimal, as
 * Gymnasium prints them); thresholds and step limits from gymnasium/envs/__init__.py.
 */
import { acrobot } from './acrobot';
import type { EnvDynamics } from './dynamics';
import { mountainCar } from './mountainCar';
import { mountainCarContinuous } from './mountainCarContinuous';
import type { EnvSpec } from './spaces';

export const CLASSIC_CONTROL_SPECS: Readonly<Record<string, EnvSpec>> = {
  'Acrobot-v1': {
    id: 'Acrobot-v1',
    summary: 'Swing the tip of a two-link chain above a line by torquing the middle joint; -1 per step.',
    observationSpace: {
      kind: 'box',
      shape: [6],
      // [cos t1, sin t1, cos t2, sin t2, dt1, dt2]; float32(4 pi), float32(9 pi)
      low: [-1, -1, -1, -1, -12.566371, -28.274334],
      high: [1, 1, 1, 1, 12.566371, 28.274334],
    },
    actionSpace: { kind: 'discrete', n: 3 },
    rewardThreshold: -100,
    maxEpisodeSteps: 500,
  },
  'MountainCar-v0': {
    id: 'MountainCar-v0',
    summary: 'Drive an underpowered car up the right hill by rocking back and forth; -1 per step.',
    observationSpace: { kind: 'box', shape: [2], low: [-1.2, -0.07], high: [0.6, 0.07] },
    actionSpace: { kind: 'discrete', n: 3 },
    rewardThreshold: -110,
    maxEpisodeSteps: 200,
  },
  'MountainCarContinuous-v0': {
    id: 'MountainCarContinuous-v0',
    summary: 'Mountain car with a continuous throttle in [-1, 1]: +100 at the flag, -0.1 * action^2 per step.',
    observationSpace: { kind: 'box', shape: [2], low: [-1.2, -0.07], high: [0.6, 0.07] },
    actionSpace: { kind: 'box', shape: [1], low: [-1], high: [1] },
    rewardThreshold: 90,
    maxEpisodeSteps: 999,
  },
};

export const CLASSIC_CONTROL_DYNAMICS: Readonly<Record<string, EnvDynamics>> = {
  'Acrobot-v1': acrobot,
  'MountainCar-v0': mountainCar,
  'MountainCarContinuous-v0': mountainCarContinuous,
};
