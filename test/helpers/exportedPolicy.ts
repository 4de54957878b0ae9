/**
 * Runs an exported PolicyNetwork's plain layers (checkpoint.policy.layers, JSON-decoded) in JS,
 * as a consumer of the export would: out = act(in @ kernel + bias) per layer.
 */
import { decodeFloat32, type PolicyLayer } from '../../server/src/training/algos/checkpoint';

export function runExportedLayers(layers: readonly PolicyLayer[], obs: ArrayLike<number>): number[] {
  let h = Array.from(obs);
  for (const layer of layers) {
    const w = decodeFloat32(layer.kernel);
    const next = Array.from(decodeFloat32(layer.bias));
    for (let o = 0; o < layer.outDim; o++) for (let i = 0; i < layer.inDim; i++) next[o] += h[i] * w[i * layer.outDim + o];
    h = next.map((v) => (layer.activation === 'relu' ? Math.max(0, v) : layer.activation === 'tanh' ? Math.tanh(v) : v));
  }
  return h;
}
