export interface DiscreteSpace {
  kind: 'discrete';
  n: number;
}

export interface BoxSpace {
  kind: 'box';
  shape: number[];
  low: number[];
  high: number[];
}

export type Space = DiscreteSpace | BoxSpace;

/** What the editor shows for an env id and what the engine checks an algorithm against. */
export interface EnvSpec {
  id: string;
  summary: string;
  observationSpace: BoxSpace;
  /**
   * Set for environments whose Gymnasium observation is Discrete(n), a state index (the
   * toy-text envs): `observationSpace` is then its one-hot encoding Box(n) in [0, 1], which
   * neural algorithms take; tabular algorithms need this and use the index.
   */
  discreteObservation?: DiscreteSpace;
  actionSpace: Space;
  /** Gymnasium registers none for some environments (Pendulum-v1). */
  rewardThreshold: number | null;
  /** Infinity where Gymnasium registers no time limit (CliffWalking). */
  maxEpisodeSteps: number;
}
