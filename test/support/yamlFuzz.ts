/**
 * A seeded generator of broken, odd and hostile experiment files for the fuzz tests: the
 * example files and RL Zoo fixtures mutated (characters and lines deleted, duplicated, swapped),
 * random YAML fragments spliced in (anchors and alias cycles, merge keys, tags, huge numbers,
 * deep nesting, sweeps, policy_kwargs strings), and documents made of fragments alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32 (Tommy Ettinger): small, fast, good enough to drive a fuzzer reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzDoc {
  text: string;
  /** An RL Lab file or a Zoo file (the format follows the path). */
  uri: string;
  label: string;
}

const nest = (open: string, close: string, depth: number, inner: string) => open.repeat(depth) + inner + close.repeat(depth);

const FRAGMENTS: ((r: () => number) => string)[] = [
  () => 'x: &a\n  algo: ppo\n  <<: *a\n',
  () => 'base: &b\n  hyperparameters: *b\n',
  () => 'cyc: &c [*c]\n',
  () => 'e: &e\n  env: CartPole-v1\n  policy_kwargs: *e\n',
  () => '  <<: *undefined_anchor\n',
  () => '  <<: [*a, *b, 3]\n',
  () => 'l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\nl2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\nl3: [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n',
  () => '  n_timesteps: !!float 1e400\n',
  () => '  n_steps: 99999999999999999999999999999\n',
  () => '  gamma: -.inf\n',
  () => '  learning_rate: .nan\n',
  () => '  batch_size: 0x7fffffff\n',
  () => '  n_envs: -0\n',
  () => '  seed: 1.0e+309\n',
  () => '  clip_range: lin_\n',
  () => '  clip_range: lin_1e999\n',
  () => '  learning_rate: lin_-0.0\n',
  (r) => `  policy_kwargs: "${nest('dict(net_arch=[', '])', 1 + Math.floor(r() * 300), '64')}"\n`,
  (r) => `  policy_kwargs: ${nest('{a: ', '}', 1 + Math.floor(r() * 400), '1')}\n`,
  (r) => `  env_kwargs: ${nest('[', ']', 1 + Math.floor(r() * 400), '')}\n`,
  () => '  policy_kwargs: "dict(net_arch=[dict(pi=[64, 64], vf=[64, 64])], activation_fn=nn.ReLU, ortho_init=False, log_std_init=-2,)"\n',
  () => '  policy_kwargs: "dict(net_arch=[64, 64"\n',
  () => '  policy_kwargs: "__import__(\'os\').system(\'echo pwned\')"\n',
  () => '  normalize: "{\'norm_obs\': True, \'norm_reward\': False, \'clip_obs\': 1e999}"\n',
  () => '  env_kwargs: "dict(continuous=True, gravity=-100)"\n',
  () => '  sweep:\n    method: random\n    n_trials: 3\n    values:\n      learning_rate: { min: 1e-5, max: 1e-3, log: true }\n      clip_range: [0.1, lin_0.2, "x"]\n    seeds: [1, 2, 3]\n',
  () => '  sweep:\n    values:\n      gamma: [0.9, 0.99, 1.5]\n      n_steps: [1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9]\n      batch_size: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n      n_epochs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n',
  () => '  sweep: [1, 2]\n',
  () => '  sweep:\n    values: *a\n    seeds: &s [*s]\n',
  () => '  init_from: nope\n',
  () => '  init_from: ../../../../etc/passwd\n',
  () => '  env_module: ../../../../../../etc/passwd\n',
  () => '  env_module: ./envs/gridworld.js\n',
  () => '  env: custom\n',
  () => '  hyperparameters:\n    gamma: 0.5\n    hyperparameters:\n      gamma: 0.1\n',
  () => '? [complex, key]\n: value\n',
  () => '!!binary aGVsbG8=\n',
  () => '%YAML 1.2\n---\n',
  () => '---\n...\n---\n',
  () => '\t\tgamma:\t0.9\n',
  () => '\uFEFFexp:\n',
  () => 'ünïcödé-🚀:\n  algo: ppo\n  env: CartPole-v1\n',
  () => '  gamma: "\\u0000\\uD800"\n',
  () => '\r\n\r\n',
  () => '"unterminated: \n',
  () => "  'single: \n",
  () => '  - - - -\n',
  () => '{{{{{{{{{{',
  () => ']]]]]]',
  () => ': : : :\n',
  () => '  &anchor_only\n',
  () => '  *alias_only\n',
  () => '  key: |\n    block\n    scalar\n',
  () => '  key: >-\n    folded\n',
  () => '  algo: [ppo, dqn]\n',
  () => '  env: {id: CartPole-v1}\n',
  () => '  algo: 12\n',
  () => 'null:\n  ~: ~\n',
  () => '123:\n  456: 789\n',
  () => 'true:\n  false: true\n',
  (r) => 'x'.repeat(1 + Math.floor(r() * 5000)) + ':\n',
  (r) => `${'  '.repeat(1 + Math.floor(r() * 200))}deep: 1\n`,
];

/** Text of every seed document: the example experiments and the Zoo fixtures. */
export function seedCorpus(root: string): FuzzDoc[] {
  const docs: FuzzDoc[] = [];
  for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.rl.yaml'))) {
    docs.push({ text: readFileSync(join(root, 'examples', f), 'utf8'), uri: `file://${join(root, 'examples', f)}`, label: `examples/${f}` });
  }
  for (const f of readdirSync(join(root, 'test/fixtures')).filter((n) => n.endsWith('.rl.yaml'))) {
    docs.push({ text: readFileSync(join(root, 'test/fixtures', f), 'utf8'), uri: `file:///fuzz/${f}`, label: `fixtures/${f}` });
  }
  for (const f of readdirSync(join(root, 'test/fixtures/zoo')).filter((n) => n.endsWith('.yml'))) {
    docs.push({ text: readFileSync(join(root, 'test/fixtures/zoo', f), 'utf8'), uri: `file:///fuzz/hyperparams/${f}`, label: `zoo/${f}` });
  }
  return docs;
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** One mutation of a text: characters or lines deleted, duplicated, swapped, or a fragment spliced in. */
export function mutate(text: string, r: () => number): string {
  const pick = (n: number) => Math.floor(r() * n);
  const op = pick(9);
  if (text.length === 0) return FRAGMENTS[pick(FRAGMENTS.length)](r);
  const i = pick(text.length);
  const len = 1 + pick(Math.min(40, text.length - i));
  switch (op) {
    case 0:
      return text.slice(0, i) + text.slice(i + len);
    case 1:
      return text.slice(0, i + len) + text.slice(i, i + len) + text.slice(i + len);
    case 2: {
      const j = pick(text.length);
      const c = text.split('');
      [c[i], c[j]] = [c[j], c[i]];
      return c.join('');
    }
    case 3: {
      const ls = lines(text);
      ls.splice(pick(ls.length), 1);
      return ls.join('\n');
    }
    case 4: {
      const ls = lines(text);
      const k = pick(ls.length);
      ls.splice(k, 0, ls[k]);
      return ls.join('\n');
    }
    case 5: {
      const ls = lines(text);
      const a = pick(ls.length);
      const b = pick(ls.length);
      [ls[a], ls[b]] = [ls[b], ls[a]];
      return ls.join('\n');
    }
    case 6: {
      const ls = lines(text);
      ls.splice(pick(ls.length + 1), 0, ...FRAGMENTS[pick(FRAGMENTS.length)](r).split('\n'));
      return ls.join('\n');
    }
    case 7:
      return text.slice(0, i) + String.fromCharCode(pick(0x3000)) + text.slice(i);
    default: {
      const chars = ':-[]{}&*!|>\'"#%@`?,\t \n';
      return text.slice(0, i) + chars[pick(chars.length)] + text.slice(i);
    }
  }
}

/** Fragments alone, glued together (with a random indentation now and then). */
export function randomDocument(r: () => number): string {
  const n = 1 + Math.floor(r() * 8);
  let out = '';
  for (let k = 0; k < n; k++) {
    const f = FRAGMENTS[Math.floor(r() * FRAGMENTS.length)](r);
    out += r() < 0.3 ? f.replace(/^/gm, '  ') : f;
    if (r() < 0.3) out += 'exp:\n  algo: ppo\n  env: CartPole-v1\n';
  }
  return out;
}

/** `count` documents from a seed: mostly mutated corpus files (1-6 mutations), some pure fragments. */
export function* fuzzDocuments(root: string, seed: number, count: number): Generator<FuzzDoc> {
  const r = rng(seed);
  const corpus = seedCorpus(root);
  for (let k = 0; k < count; k++) {
    if (r() < 0.2) {
      const zoo = r() < 0.3;
      yield { text: randomDocument(r), uri: zoo ? 'file:///fuzz/hyperparams/ppo.yml' : 'file:///fuzz/random.rl.yaml', label: `random #${k}` };
      continue;
    }
    const base = corpus[Math.floor(r() * corpus.length)];
    let text = base.text;
    if (r() < 0.6) {
      // A window of the file keeps documents small (the fuzzer's time goes to variety, not size);
      // it cuts anchors from their aliases and mappings from their keys, which is worth testing too.
      const ls = lines(text);
      const from = Math.floor(r() * ls.length);
      text = ls.slice(from, from + 10 + Math.floor(r() * 50)).join('\n');
    }
    const n = 1 + Math.floor(r() * 6);
    for (let m = 0; m < n; m++) text = mutate(text, r);
    yield { text, uri: base.uri, label: `${base.label} #${k}` };
  }
}
