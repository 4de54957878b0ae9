import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../server/src/training/rng';

describe('Rng', () => {
  it('repeats for a seed and stream, differs across streams and seeds', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.random());
    assert.deepEqual(draw(Rng.stream(7, 'a')), draw(Rng.stream(7, 'a')));
    assert.notDeepEqual(draw(Rng.stream(7, 'a')), draw(Rng.stream(7, 'b')));
    assert.notDeepEqual(draw(Rng.stream(7, 'a')), draw(Rng.stream(8, 'a')));
  });

  it('draws uniforms in range with the right mean, normals with mean 0 and variance 1', () => {
    const r = new Rng(1);
    const n = 50000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform(-2, 4);
      assert.ok(u >= -2 && u < 4);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    assert.ok(Math.abs(su / n - 1) < 0.05);
    assert.ok(Math.abs(sn / n) < 0.02);
    assert.ok(Math.abs(sn2 / n - 1) < 0.03);
  });

  it('int() covers [0, n) and shuffle() permutes', () => {
    const r = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(5));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
    const a = Int32Array.from({ length: 100 }, (_, i) => i);
    r.shuffle(a);
    assert.notDeepEqual(Array.from(a), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  });
});
