// A custom RL Lab environment: a 1-D corridor of 8 cells. The agent starts in a random cell
// left of the goal (the rightmost cell) and moves left or right; reaching the goal ends the
// episode with +1, every step costs 0.01, and episodes are cut after 50 steps.
// The best policy (always right) earns 1 - 0.01 * (distance - 1), about 0.97 on average.
//
// The interface (see "Custom environments" in the README): observationSpace and actionSpace
// as plain objects, reset(seed) returning the first observation, step(action) returning
// { obs, reward, terminated, truncated }, and optionally maxEpisodeSteps. RL Lab makes one
// instance per vectorized copy (n_envs) and passes env_kwargs to the constructor.

/** @typedef {{ size?: number }} CorridorOptions */

class Corridor {
  /** @param {CorridorOptions} [options] */
  constructor(options = {}) {
    this.size = options.size ?? 8;
    // Observation: the position scaled to [0, 1], and the distance to the goal scaled too.
    this.observationSpace = { kind: 'box', shape: [2], low: [0, 0], high: [1, 1] };
    // Actions: 0 = left, 1 = right.
    this.actionSpace = { kind: 'discrete', n: 2 };
    this.maxEpisodeSteps = 50;
    this.rewardThreshold = 0.9;
    this.position = 0;
    this.random = mulberry32(0);
  }

  /** @param {number} seed a fresh integer for every episode, drawn from the run's seed */
  reset(seed) {
    this.random = mulberry32(seed);
    this.position = Math.floor(this.random() * (this.size - 1));
    return this.observe();
  }

  /** @param {number} action */
  step(action) {
    this.position = Math.min(Math.max(this.position + (action === 1 ? 1 : -1), 0), this.size - 1);
    const atGoal = this.position === this.size - 1;
    return { obs: this.observe(), reward: atGoal ? 1 : -0.01, terminated: atGoal, truncated: false };
  }

  observe() {
    const last = this.size - 1;
    return [this.position / last, (last - this.position) / last];
  }
}

/** A small seeded PRNG (mulberry32), so episodes repeat for the same seed. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = Corridor;
