/**
 * Exports a run's policy (its newest checkpoint) in TensorFlow.js's layers-model format:
 * `<runDir>/export/tfjs/model.json` (a Keras Sequential of Dense layers in `modelTopology`
 * plus a `weightsManifest`) and `weights.bin` (float32, little-endian, in manifest order),
 * loadable with `tf.loadLayersModel('file://.../model.json')` (tfjs-node) or over HTTP.
 *
 * The model maps a (normalized) observation to logits (Discrete: act with argmax) or to the
 * Gaussian mean (Box: clip to the action bounds). With `normalize`, inputs must first be
 * normalized as training did: the statistics are in `userDefinedMetadata.rlLab.normalization`
 * (obs' = clip((obs - mean) / sqrt(var + epsilon), -clip_obs, clip_obs)).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../../package.json';
import { decodeFloat32, type PolicyNetwork } from './algos/checkpoint';
import { latestCheckpoint } from './checkpointStore';
import { readRunSummary, writeFileAtomic } from './runStore';

export const EXPORT_DIR = join('export', 'tfjs');
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** The keras-json layer entries tfjs-layers reads (serialization of tf.layers.dense). */
interface DenseLayerJson {
  class_name: 'Dense';
  config: Record<string, unknown>;
}

export interface LayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: DenseLayerJson[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
  userDefinedMetadata: { rlLab: Record<string, unknown> };
}

/** model.json and the bytes of weights.bin for a policy network. */
export function policyToLayersModel(policy: PolicyNetwork, meta: Record<string, unknown> = {}): { model: LayersModelJson; weights: Buffer } {
  const layers: DenseLayerJson[] = [];
  const specs: LayersModelJson['weightsManifest'][0]['weights'] = [];
  const chunks: Buffer[] = [];
  policy.layers.forEach((l, i) => {
    const name = `dense_${i + 1}`;
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        trainable: true,
        ...(i === 0 ? { batch_input_shape: [null, l.inDim] } : {}),
        dtype: 'float32',
        units: l.outDim,
        activation: l.activation,
        use_bias: true,
        kernel_initializer: { class_name: 'Zeros', config: {} },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    });
    for (const [part, enc, shape] of [
      ['kernel', l.kernel, [l.inDim, l.outDim]],
      ['bias', l.bias, [l.outDim]],
    ] as const) {
      const values = decodeFloat32(enc);
      specs.push({ name: `${name}/${part}`, shape: [...shape], dtype: 'float32' });
      chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    }
  });
  const model: LayersModelJson = {
    format: 'layers-model',
    generatedBy: `rl-lab ${version}`,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'rl_lab_policy', layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: {
      rlLab: {
        ...meta,
        obsDim: policy.obsDim,
        distribution: policy.distribution,
        output: policy.distribution === 'categorical' ? 'logits (action = argmax)' : 'Gaussian mean (clip to actionLow/actionHigh)',
        actionDim: policy.actionDim,
        ...(policy.actionLow ? { actionLow: policy.actionLow, actionHigh: policy.actionHigh } : {}),
        ...(policy.normalization ? { normalization: policy.normalization } : {}),
      },
    },
  };
  return { model, weights: Buffer.concat(chunks) };
}

/** Writes the export folder; returns its path. */
export function exportPolicy(runDir: string, outDir = join(runDir, EXPORT_DIR)): { dir: string; modelJson: string } {
  const latest = latestCheckpoint(runDir);
  if (!latest) throw new Error('the run has no checkpoint to export (it stopped before its first one)');
  const { policy } = latest.checkpoint;
  if (!policy) throw new Error(`algorithm '${latest.checkpoint.algo}' saves no exportable policy`);
  let runId: string | undefined;
  try {
    runId = readRunSummary(runDir).id;
  } catch {
    runId = undefined;
  }
  const { model, weights } = policyToLayersModel(policy, {
    ...(runId ? { runId } : {}),
    algo: latest.checkpoint.algo,
    env: latest.checkpoint.env,
    step: latest.checkpoint.globalStep,
  });
  mkdirSync(outDir, { recursive: true });
  // Weights first: a reader that sees the new model.json finds its weights there.
  writeFileSync(join(outDir, WEIGHTS_FILE), weights);
  const modelJson = join(outDir, MODEL_FILE);
  writeFileAtomic(modelJson, JSON.stringify(model, null, 2) + '\n');
  return { dir: outDir, modelJson };
}
