/**
 * Specs, models and dynamics of the toy-text environments, spread into registry.ts. Ids,
 * step limits and reward thresholds from gymnasium/envs/__init__.py: FrozenLake-v1 100 steps
 * (threshold 0.70), FrozenLake8x8-v1 200 (0.85), Taxi-v3 200 (8), CliffWalking none (no
 * limit, no threshold). The step limit belongs to the id, as in Gymnasium: FrozenLake-v1
 * with `map_name: 8x8` keeps its 100 steps.
 *
 * The observation space is the one-hot encoding of Gymnasium's Discrete(n) index
 * (`discreteObservation` records the Discrete(n) itself; see model.ts).
 */
import type { EnvDynamics } from '../dynamics';
import type { RenderStateSource } from '../renderState';
import type { EnvSpec } from '../spaces';
import { cliffWalkingModel, cliffWalkingOptions } from './cliffWalking';
import { frozenLakeModel, frozenLakeOptions, type FrozenLakeOptions } from './frozenLake';
import { discreteDynamics, type DiscreteModel } from './model';
import { taxiModel } from './taxi';
import { toyTextGrid } from './grid';
import type { TabularGrid } from '../../../protocol/types';

type Kwargs = Readonly<Record<string, unknown>>;

interface ToyText {
  summary: string;
  rewardThreshold: number | null;
  maxEpisodeSteps: number;
  /** The finite MDP for these env_kwargs (throws on options the env does not take). */
  model(kwargs: Kwargs): DiscreteModel;
}

const frozenLake = (defaults: FrozenLakeOptions) => (kwargs: Kwargs) => frozenLakeModel(frozenLakeOptions(kwargs, defaults));
const noKwargs = (id: string, kwargs: Kwargs): void => {
  const given = Object.keys(kwargs);
  if (given.length > 0) throw new Error(`environment '${id}' takes no env_kwargs (got ${given.join(', ')})`);
};

const TOY_TEXT: Readonly<Record<string, ToyText>> = {
  'FrozenLake-v1': {
    summary: 'Cross a frozen lake from S to G without falling into a hole; the ice is slippery (1/3 intended move). Reward 1 at the goal.',
    rewardThreshold: 0.7,
    maxEpisodeSteps: 100,
    model: frozenLake({ map_name: '4x4' }),
  },
  'FrozenLake8x8-v1': {
    summary: 'FrozenLake on the 8x8 map (Gymnasium registers it with 200 steps); slippery by default.',
    rewardThreshold: 0.85,
    maxEpisodeSteps: 200,
    model: frozenLake({ map_name: '8x8' }),
  },
  'CliffWalking-v0': {
    summary: 'Walk along a cliff from the start to the goal (Sutton & Barto 6.6): -1 per step, -100 and back to the start for a fall.',
    rewardThreshold: null,
    maxEpisodeSteps: Number.POSITIVE_INFINITY,
    model: (kwargs) => cliffWalkingModel(cliffWalkingOptions('CliffWalking-v0', kwargs)),
  },
  'CliffWalking-v1': {
    summary: 'CliffWalking as in Gymnasium 1.x, with an optional slippery cliff (is_slippery).',
    rewardThreshold: null,
    maxEpisodeSteps: Number.POSITIVE_INFINITY,
    model: (kwargs) => cliffWalkingModel(cliffWalkingOptions('CliffWalking-v1', kwargs)),
  },
  'Taxi-v3': {
    summary: 'Drive a taxi to the passenger, pick them up and drop them at their destination: -1 per step, +20 delivery, -10 illegal pickup/dropoff.',
    rewardThreshold: 8,
    maxEpisodeSteps: 200,
    model: (kwargs) => {
      noKwargs('Taxi-v3', kwargs);
      return taxiModel();
    },
  },
};

export const TOY_TEXT_IDS: readonly string[] = Object.keys(TOY_TEXT);

export function isToyText(id: string): boolean {
  return id in TOY_TEXT;
}

function specOf(id: string, model: DiscreteModel): EnvSpec {
  const t = TOY_TEXT[id];
  return {
    id,
    summary: t.summary,
    observationSpace: { kind: 'box', shape: [model.nS], low: new Array<number>(model.nS).fill(0), high: new Array<number>(model.nS).fill(1) },
    discreteObservation: { kind: 'discrete', n: model.nS },
    actionSpace: { kind: 'discrete', n: model.nA },
    rewardThreshold: t.rewardThreshold,
    maxEpisodeSteps: t.maxEpisodeSteps,
  };
}

/** The finite MDP of a toy-text id with its env_kwargs (dynamic programming plans on it). */
export function toyTextModel(id: string, kwargs: Kwargs = {}): DiscreteModel {
  const t = TOY_TEXT[id];
  if (!t) throw new Error(`'${id}' is not a toy-text environment with a known model; those are ${TOY_TEXT_IDS.join(', ')}`);
  return t.model(kwargs);
}

/** The spec with these kwargs (a custom FrozenLake map changes the number of states). */
export function toyTextSpecFor(id: string, kwargs: Kwargs): EnvSpec {
  return specOf(id, toyTextModel(id, kwargs));
}

export const TOY_TEXT_SPECS: Readonly<Record<string, EnvSpec>> = Object.fromEntries(TOY_TEXT_IDS.map((id) => [id, specOf(id, toyTextModel(id))]));

type ToyTextDynamics = EnvDynamics & RenderStateSource & { renderMeta(): { grid: TabularGrid } | undefined };

/** Dynamics per env copy; playback's meta is the grid (tiles, action symbols) the dashboard draws on. */
export const TOY_TEXT_FACTORIES: Readonly<Record<string, (kwargs: Kwargs) => ToyTextDynamics>> = Object.fromEntries(
  TOY_TEXT_IDS.map((id) => [
    id,
    (kwargs: Kwargs): ToyTextDynamics => {
      const grid = toyTextGrid(id, kwargs);
      return { ...discreteDynamics(toyTextModel(id, kwargs)), renderMeta: () => (grid ? { grid } : undefined) };
    },
  ]),
);
