/** How experiment files are read, shared by the file parser and `--set` overrides. */
import type { ScalarTag, SchemaOptions, ParseOptions, DocumentOptions } from 'yaml';

/**
 * `!!float` as PyYAML reads it. The core schema resolves an explicit `!!float` only when the text
 * already looks like a float (`1e5`, `0.5`), so RL Zoo's `!!float 20000` would stay a string.
 */
const explicitFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  resolve(text, onError) {
    const t = text.trim().replace(/_/g, '');
    if (/^[-+]?\.inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^\.nan$/i.test(t)) return NaN;
    const n = Number(t);
    if (t === '' || Number.isNaN(n)) {
      onError(`!!float needs a number, got '${text}'`);
      return text;
    }
    return n;
  },
};

/** YAML 1.2 core schema (`1e-3` is a number), `<<` merge keys as RL Zoo uses them, PyYAML's `!!float`. */
export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  merge: true,
  customTags: [explicitFloat],
  prettyErrors: false,
  uniqueKeys: true,
};
