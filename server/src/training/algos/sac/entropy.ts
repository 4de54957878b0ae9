/**
 * SAC's entropy settings as SB3 reads them:
 *   ent_coef: a number (alpha fixed), 'auto' (learned, starting at 1) or 'auto_<init>' (learned, starting at init);
 *   target_entropy: 'auto' = -dim(A) (Haarnoja et al. 2018b, section 5), or a number.
 */
export interface EntropySetting {
  learned: boolean;
  /** Fixed alpha, or the learned one's initial value. */
  initial: number;
  targetEntropy: number;
}

export function entropyCoefficient(entCoef: number | string, targetEntropy: number | string, actDim: number): EntropySetting {
  const target = targetEntropy === 'auto' ? -actDim : Number(targetEntropy);
  if (!Number.isFinite(target)) throw new Error(`target_entropy must be 'auto' or a number, got '${targetEntropy}'`);
  if (typeof entCoef === 'number') return { learned: false, initial: entCoef, targetEntropy: target };
  const match = /^auto(?:_(.+))?$/.exec(entCoef);
  const initial = match ? (match[1] === undefined ? 1 : Number(match[1])) : Number.NaN;
  if (!match || !(initial > 0)) throw new Error(`ent_coef must be a number, 'auto' or 'auto_<positive initial value>', got '${entCoef}'`);
  return { learned: true, initial, targetEntropy: target };
}
