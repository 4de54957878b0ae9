/** The policy_kwargs reader: Python-dict strings parsed as data, never evaluated. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpretPolicyKwargs, parsePyLiteral, PyParseError, readPolicyKwargs } from '../../server/src/experiments';

function read(text: string) {
  return readPolicyKwargs(text, null);
}

describe('parsePyLiteral', () => {
  it('reads dict calls, lists, tuples, numbers, strings, booleans, None and dotted names', () => {
    const node = parsePyLiteral("dict(a=[1, -2.5, 1e-3], b=(3,), c=True, d=None, e='x', f=nn.ReLU, g={'k': 1})");
    assert.equal(node.kind, 'dict');
    if (node.kind !== 'dict') return;
    assert.deepEqual(
      node.entries.map((e) => [e.key, e.value.kind]),
      [['a', 'list'], ['b', 'list'], ['c', 'bool'], ['d', 'none'], ['e', 'string'], ['f', 'name'], ['g', 'dict']],
    );
    const a = node.entries[0].value;
    assert.ok(a.kind === 'list');
    assert.deepEqual(a.items.map((i) => (i.kind === 'number' ? i.value : NaN)), [1, -2.5, 0.001]);
  });

  it('rejects calls other than dict(...) as data errors, without evaluating anything', () => {
    for (const evil of [
      "__import__('os').system('x')",
      "dict(net_arch=__import__('os').system('rm -rf /'))",
      'dict(activation_fn=eval("1"))',
      'exec("print(1)")',
      'dict(net_arch=[64]*2)',
      'dict(net_arch=[64, 64])[0]',
      'lambda: 0',
      'dict(**kwargs)',
      'dict(64)',
    ]) {
      assert.throws(() => parsePyLiteral(evil), PyParseError, evil);
    }
    assert.throws(() => parsePyLiteral("__import__('os').system('x')"), /calling '__import__\(\.\.\.\)' is not allowed/);
  });

  it('reports the offending position', () => {
    const text = 'dict(net_arch=[64, 64], x=open("f"))';
    try {
      parsePyLiteral(text);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof PyParseError);
      assert.equal(text.slice(e.start, e.end), 'open');
    }
  });

  it('rejects unterminated input, duplicates, escapes and absurd nesting', () => {
    assert.throws(() => parsePyLiteral('dict(net_arch=[64, 64]'), PyParseError);
    assert.throws(() => parsePyLiteral("dict(a='x)"), /unterminated string/);
    assert.throws(() => parsePyLiteral('dict(a=1, a=2)'), /given twice/);
    assert.throws(() => parsePyLiteral("dict(a='\\x41')"), /escape/);
    assert.throws(() => parsePyLiteral('['.repeat(100) + ']'.repeat(100)), /nested too deeply/);
  });
});

describe('policy_kwargs interpretation', () => {
  it('reads net_arch as a shared list, dict(pi, vf) and the older [dict(pi, vf)]', () => {
    assert.deepEqual(read('dict(net_arch=[64, 64], activation_fn=nn.ReLU, ortho_init=False, log_std_init=-2)'), {
      value: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'relu', ortho_init: false, log_std_init: -2 },
      issues: [],
    });
    assert.deepEqual(read('dict(net_arch=dict(pi=[64], vf=[32, 32]))').value, { net_arch: { pi: [64], vf: [32, 32] } });
    assert.deepEqual(read('dict(net_arch=[dict(pi=[64], vf=[64])])').value, { net_arch: { pi: [64], vf: [64] } });
    assert.deepEqual(read('dict(activation_fn=th.nn.Tanh)').value, { activation_fn: 'tanh' });
  });

  it('gives clear diagnostics for unsupported entries', () => {
    const messages = (text: string) => read(text).issues.map((i) => `${i.severity}: ${i.message}`);
    assert.deepEqual(messages('dict(activation_fn=nn.ELU)'), ['error: activation_fn nn.ELU is not supported; use nn.Tanh or nn.ReLU']);
    assert.deepEqual(messages('dict(activation_fn=os.system)'), ['error: activation_fn os.system is not supported; use nn.Tanh or nn.ReLU']);
    const typo = messages('dict(net_arh=[64])');
    assert.equal(typo.length, 1);
    assert.match(typo[0], /^error: unsupported policy_kwargs entry 'net_arh' — did you mean 'net_arch'\?; supported: net_arch, activation_fn, ortho_init, log_std_init, full_std, use_expln/);
    // gSDE's options are read (booleans only).
    assert.deepEqual(read('dict(full_std=False, use_expln=True)').value, { full_std: false, use_expln: true });
    assert.match(messages('dict(full_std=1)')[0], /full_std must be True or False/);
    assert.deepEqual(messages('dict(optimizer_kwargs=dict(eps=1e-5))'), ["warning: policy_kwargs 'optimizer_kwargs' is not implemented by RL Lab; it is ignored"]);
    assert.match(messages('dict(net_arch=[64, dict(pi=[32], vf=[32])])')[0], /shared layers/);
    assert.match(messages('dict(net_arch=[64, 0])')[0], /positive whole numbers/);
    assert.match(messages('dict(ortho_init=1)')[0], /True or False/);
    assert.match(messages('[64, 64]')[0], /must be a mapping/);
    assert.match(messages("__import__('os').system('x')")[0], /^error: not valid policy_kwargs data: calling '__import__/);
  });

  it('reads a YAML mapping tree the same way', () => {
    const tree = parsePyLiteral("{'net_arch': {'pi': [8], 'vf': [8]}, 'activation_fn': 'relu'}");
    assert.deepEqual(interpretPolicyKwargs(tree).value, { net_arch: { pi: [8], vf: [8] }, activation_fn: 'relu' });
  });
});
