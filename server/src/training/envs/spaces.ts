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
  actionSpace: Space;
  /** Gymnasium registers none for some environments (Pendulum-v1). */
  rewardThreshold: number | null;
  maxEpisodeSteps: number;
}
