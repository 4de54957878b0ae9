/** A "Run experiment" lens above each experiment that can run. */
import type { CodeLens } from 'vscode-languageserver';
import { CommandIds, type RunExperimentArgs } from '../protocol';
import { experimentAlgo } from '../experiments';
import { ENV_SPECS } from '../training/envs/registry';
import { toRange, type EditorDocument } from './document';

export const RUN_LENS_TITLE = '$(play) Run experiment';

export function codeLenses(doc: EditorDocument): CodeLens[] {
  const { model } = doc;
  return model.experiments
    // Zoo files list many environments RL Lab lacks; offer Run only where it can work.
    .filter((e) => model.format !== 'zoo' || (e.name in ENV_SPECS && experimentAlgo(model, e) !== undefined))
    .map((e) => {
      const args: RunExperimentArgs = { uri: doc.uri, experiment: e.name };
      return {
        range: toRange(doc.document, e.nameRange),
        command: { title: RUN_LENS_TITLE, command: CommandIds.runExperiment, arguments: [args] },
      };
    });
}
