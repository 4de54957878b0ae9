/**
 * Completion: keys valid for the experiment's algorithm that are not written yet (each with its
 * documentation), enum values for algo/env/policy/bool keys, and a snippet for a new experiment
 * at the top level. The context comes from the text of the lines (indentation), not only from
 * the parse, because the line being typed is usually not valid YAML yet.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver';
import { ALGO_IDS, EXPERIMENT_PARAMS, paramSpec, paramsFor, type AlgoId, type ParamSpec } from '../schema';
import { experimentAlgo, HYPERPARAMETERS_KEY, POLICY_KWARGS_KEYS, SWEEP_KEY, SWEEP_METHODS, type ExperimentModel } from '../experiments';
import { ENV_IDS, ENV_SPECS } from '../training/envs/registry';
import { TEXT_ENV_IDS, TEXT_TASK_SPECS, textEnvMarkdown } from '../training/rlhf/tasks';
import { isLmAlgo } from '../schema/lm';
import { CUSTOM_ENV } from '../training/envs/custom/id';
import type { EditorDocument } from './document';
import { experimentAt } from './locate';
import { algoMarkdown, envMarkdown, paramMarkdown } from './markdown';

/** activation_fn values inside a policy_kwargs mapping. */
const ACTIVATIONS = ['nn.Tanh', 'nn.ReLU'];

const KEY_LINE = /^(\s*)([A-Za-z0-9_.-]*)$/;
const VALUE_LINE = /^(\s*)([A-Za-z0-9_.-]+)\s*:\s*(["']?[^\s#"']*)$/;

type Context =
  | { kind: 'topLevel'; prefixStart: number }
  | { kind: 'key'; experiment: ExperimentModel | undefined; nested: boolean }
  | { kind: 'policyKwargsKey' }
  | { kind: 'sweepField'; experiment: ExperimentModel | undefined }
  | { kind: 'sweptKey'; experiment: ExperimentModel | undefined }
  | { kind: 'value'; key: string; experiment: ExperimentModel | undefined; prefixStart: number; afterColon: boolean };

export function complete(doc: EditorDocument, position: Position): CompletionItem[] {
  const context = completionContext(doc, position);
  if (!context) return [];
  const { model } = doc;
  switch (context.kind) {
    case 'topLevel': {
      const range = lineRange(position, context.prefixStart);
      const items = [newExperimentSnippet(model.format === 'zoo', range)];
      if (model.format === 'zoo') items.push(...ENV_IDS.map((id) => envItem(id, range, `${id}:\n  `)));
      return items;
    }
    case 'key': {
      const algo = context.experiment ? experimentAlgo(model, context.experiment) : undefined;
      const written = new Set(context.experiment?.entries.filter((e) => !e.merged).map((e) => e.key) ?? []);
      if (model.format === 'zoo') written.add('algo').add('env');
      let specs = keysFor(algo);
      if (context.nested) specs = specs.filter((s) => s.algos !== 'all');
      // Keys accepted only for Zoo compatibility are not suggested: they do nothing yet.
      const items = specs.filter((s) => !written.has(s.key) && s.implemented !== false).map(keyItem);
      if (!context.nested && model.format === 'rl-lab' && !context.experiment?.hyperparametersRange) {
        items.push({
          label: HYPERPARAMETERS_KEY,
          kind: CompletionItemKind.Module,
          detail: 'nested mapping of algorithm hyperparameters',
          documentation: 'Algorithm hyperparameters may be written here instead of at the top level of the experiment (not both).',
          insertText: `${HYPERPARAMETERS_KEY}:\n  `,
        });
      }
      return items;
    }
    case 'sweepField':
      return SWEEP_FIELD_ITEMS.filter((f) => !sweepFieldsWritten(context.experiment).includes(f.label));
    case 'sweptKey': {
      const algo = context.experiment ? experimentAlgo(model, context.experiment) : undefined;
      return keysFor(algo)
        .filter((s) => s.implemented !== false && !['algo', 'seed'].includes(s.key))
        .map((s) => ({ ...keyItem(s), insertText: `${s.key}: [`, command: undefined, detail: `sweep over: ${s.summary}` }));
    }
    case 'policyKwargsKey':
      return Object.entries(POLICY_KWARGS_KEYS).map(([key, doc]) => ({
        label: key,
        kind: CompletionItemKind.Property,
        detail: doc,
        insertText: `${key}: `,
      }));
    case 'value': {
      const range = lineRange(position, context.prefixStart);
      const algo = context.experiment ? experimentAlgo(model, context.experiment) : undefined;
      const spec = paramSpec(algo, context.key);
      let items: CompletionItem[];
      const plain = (values: readonly string[], detail?: string): CompletionItem[] =>
        values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, detail, textEdit: { range, newText: v } }));
      if (context.key === 'activation_fn') items = plain(ACTIVATIONS);
      else if (context.key === 'method') items = plain(SWEEP_METHODS, 'sweep method');
      else if (context.key === 'init_from' || context.key === 'reward_model') {
        // The other experiments of this file; run ids work too but are not listed here.
        items = plain(model.experiments.map((e) => e.name).filter((n) => n !== context.experiment?.name), 'experiment in this file');
      } else if (spec) items = valueItems(spec, range, algo);
      else return [];
      // Triggered by ':' itself: YAML needs a space between the colon and the value.
      if (context.afterColon) for (const i of items) if (i.textEdit) i.textEdit.newText = ` ${i.textEdit.newText}`;
      return items;
    }
  }
}

function keysFor(algo: AlgoId | undefined): readonly ParamSpec[] {
  if (algo) return paramsFor(algo);
  const seen = new Map<string, ParamSpec>();
  for (const spec of [...EXPERIMENT_PARAMS, ...ALGO_IDS.flatMap((a) => paramsFor(a))]) if (!seen.has(spec.key)) seen.set(spec.key, spec);
  return [...seen.values()];
}

function completionContext(doc: EditorDocument, position: Position): Context | undefined {
  const text = doc.document.getText();
  const lineStart = doc.document.offsetAt({ line: position.line, character: 0 });
  const before = text.slice(lineStart, doc.document.offsetAt(position));
  const keyLine = KEY_LINE.exec(before);
  if (keyLine) {
    const indent = keyLine[1].length;
    if (indent === 0) return { kind: 'topLevel', prefixStart: 0 };
    const parent = parentLine(text, lineStart, indent);
    if (!parent) return undefined;
    const experiment = experimentAt(doc.model, lineStart);
    if (parent.indent === 0) return { kind: 'key', experiment, nested: false };
    if (parent.key === HYPERPARAMETERS_KEY) return { kind: 'key', experiment, nested: true };
    if (parent.key === 'policy_kwargs') return { kind: 'policyKwargsKey' };
    if (parent.key === SWEEP_KEY) return { kind: 'sweepField', experiment };
    if (parent.key === 'values' && parentLine(text, text.lastIndexOf('\n', parent.start - 1) + 1, parent.indent)?.key === SWEEP_KEY) {
      return { kind: 'sweptKey', experiment };
    }
    return undefined;
  }
  const valueLine = VALUE_LINE.exec(before);
  if (valueLine && valueLine[1].length > 0) {
    const prefixStart = before.length - valueLine[3].length;
    const afterColon = before.endsWith(':');
    return { kind: 'value', key: valueLine[2], experiment: experimentAt(doc.model, lineStart), prefixStart, afterColon };
  }
  return undefined;
}

/** The nearest line above with less indentation: the mapping the cursor's key belongs to. */
function parentLine(text: string, lineStart: number, indent: number): { indent: number; key: string; start: number } | undefined {
  // Walks back line by line from lineStart (no split of the whole prefix: 2,000-line files).
  // `end` is the '\n' that ends the line above; lastIndexOf with a negative index would search from 0.
  let end = lineStart - 1;
  while (end >= 0) {
    const newline = end > 0 ? text.lastIndexOf('\n', end - 1) : -1;
    const start = newline + 1;
    const line = text.slice(start, end);
    end = newline;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const lineIndent = line.length - line.trimStart().length;
    if (lineIndent < indent) {
      const m = /^\s*([^:#]+):/.exec(line);
      return { indent: lineIndent, key: m ? m[1].trim() : '', start };
    }
  }
  return undefined;
}

const SWEEP_FIELD_ITEMS: CompletionItem[] = [
  { label: 'method', kind: CompletionItemKind.Property, detail: 'grid (every combination) or random (n_trials draws)', insertText: 'method: ' },
  { label: 'values', kind: CompletionItemKind.Property, detail: 'the keys to vary, each with a list of values', insertText: 'values:\n  ' },
  { label: 'seeds', kind: CompletionItemKind.Property, detail: 'each combination runs once per seed', insertText: 'seeds: [1, 2, 3]' },
  { label: 'n_trials', kind: CompletionItemKind.Property, detail: 'random search: how many combinations to draw', insertText: 'n_trials: ' },
];

function sweepFieldsWritten(exp: ExperimentModel | undefined): string[] {
  const v = exp?.entries.find((e) => e.key === SWEEP_KEY)?.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : [];
}

function lineRange(position: Position, prefixStart: number): Range {
  return { start: { line: position.line, character: prefixStart }, end: position };
}

function docs(value: string): { kind: 'markdown'; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

function keyItem(spec: ParamSpec): CompletionItem {
  const pickable = spec.type === 'enum' || spec.type === 'bool';
  return {
    label: spec.key,
    kind: CompletionItemKind.Property,
    detail: spec.summary,
    documentation: docs(paramMarkdown(spec)),
    insertText: `${spec.key}: `,
    // Open the value list straight away for keys with a fixed set of values.
    command: pickable ? { title: 'Suggest values', command: 'editor.action.triggerSuggest' } : undefined,
  };
}

function valueItems(spec: ParamSpec, range: Range, algo?: AlgoId): CompletionItem[] {
  const item = (label: string, documentation?: string, detail?: string): CompletionItem => ({
    label,
    kind: CompletionItemKind.EnumMember,
    detail,
    documentation: documentation ? docs(documentation) : undefined,
    textEdit: { range, newText: label },
  });
  const items: CompletionItem[] = [];
  if (spec.key === 'env') {
    // Language-model stages train on text tasks, the other algorithms on Gymnasium environments.
    const text = TEXT_ENV_IDS.map((id) => item(id, textEnvMarkdown(id), TEXT_TASK_SPECS[id]?.summary ?? 'text from the dataset file (language-model stages)'));
    if (algo && isLmAlgo(algo)) return text;
    const gym = [...ENV_IDS.map((id) => envItem(id, range, id)), item(CUSTOM_ENV, paramMarkdown(spec), 'your own environment module (set env_module)')];
    return algo ? gym : [...gym, ...text];
  }
  if (spec.key === 'algo') items.push(...(spec.values ?? []).map((v) => item(v, algoMarkdown(v))));
  else if (spec.type === 'enum') items.push(...(spec.values ?? []).map((v) => item(v)));
  else if (spec.type === 'bool') items.push(item('true'), item('false'));
  else if (spec.type === 'schedule' && typeof spec.default === 'number') {
    items.push(item(String(spec.default), undefined, 'constant (default)'), item(`lin_${spec.default}`, undefined, 'linear decay from the default to 0'));
  } else if (spec.type === 'policy_kwargs') {
    items.push(item('"dict(net_arch=[64, 64], activation_fn=nn.Tanh)"', paramMarkdown(spec), 'Python-dict string, read as data'));
  }
  if (spec.nullable) items.push(item('null', undefined, 'off'));
  return items;
}

function envItem(id: string, range: Range, newText: string): CompletionItem {
  const spec = ENV_SPECS[id];
  return {
    label: id,
    kind: CompletionItemKind.EnumMember,
    detail: spec.summary,
    documentation: docs(envMarkdown(spec)),
    textEdit: { range, newText },
  };
}

function newExperimentSnippet(zoo: boolean, range: Range): CompletionItem {
  const envs = ENV_IDS.join(',');
  const body = zoo
    ? [`\${1|${envs}|}:`, '  n_envs: ${2:8}', '  n_timesteps: !!float ${3:1e5}', '  policy: MlpPolicy', '  $0']
    : [
        '${1:my-experiment}:',
        `  algo: \${2|${ALGO_IDS.join(',')}|}`,
        `  env: \${3|${envs}|}`,
        '  seed: ${4:1}',
        '  n_envs: ${5:8}',
        '  n_timesteps: ${6:100000}',
        '  $0',
      ];
  return {
    label: zoo ? 'new env entry' : 'new experiment',
    kind: CompletionItemKind.Snippet,
    detail: zoo ? 'An RL Baselines3 Zoo entry keyed by env id' : 'An RL Lab experiment: algo, env, seed, n_envs, n_timesteps',
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: body.join('\n') },
    sortText: '~', // after any env ids
  };
}
