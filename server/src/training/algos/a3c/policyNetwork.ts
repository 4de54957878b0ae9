/**
 * The two things a run hands out of an actor-critic network that is not an ActorCriticBase
 * (A3C's main thread, behaviour cloning): the greedy policy for evaluation and the plain
 * layer list a checkpoint carries for the TensorFlow.js export (as PPO's policyNetwork).
 */
import type { BoxSpace } from '../../envs/spaces';
import type { ActorCritic, RolloutActor } from '../../nn/actorCritic';
import type { TrainedPolicy } from '../../types';
import { encodeArray, type PolicyNetwork } from '../checkpoint';

/** argmax of the logits (Discrete) or the Gaussian mean clipped to the Box (as ActorCriticBase.trainedPolicy). */
export function greedyPolicy(net: ActorCritic, actor: RolloutActor, obsDim: number, bounds: BoxSpace | null): TrainedPolicy {
  const pi = new Float32Array(net.piDim);
  const value = new Float32Array(1);
  const action = new Float32Array(net.distribution === 'categorical' ? 1 : net.piDim);
  return {
    actDeterministic: (obs) => {
      actor.act(obs, 1, obsDim, pi, value);
      if (net.distribution === 'categorical') {
        let best = 0;
        for (let k = 1; k < pi.length; k++) if (pi[k] > pi[best]) best = k;
        action[0] = best;
      } else {
        for (let d = 0; d < action.length; d++) action[d] = Math.min(Math.max(pi[d], bounds!.low[d]), bounds!.high[d]);
      }
      return action;
    },
  };
}

/** The actor as plain layers for checkpoints and the export (no normalization: neither algorithm supports it). */
export function policyNetworkOf(net: ActorCritic, obsDim: number, bounds: BoxSpace | null): PolicyNetwork {
  return {
    obsDim,
    distribution: net.distribution,
    actionDim: net.piDim,
    ...(bounds ? { actionLow: Array.from(bounds.low), actionHigh: Array.from(bounds.high) } : {}),
    layers: net.actorLayers().map((l) => ({
      inDim: l.inDim,
      outDim: l.outDim,
      activation: l.activation,
      kernel: encodeArray(l.w, [l.inDim, l.outDim]),
      bias: encodeArray(l.b, [l.outDim]),
    })),
  };
}
