/** The RLHF losses: pure functions of arrays/tensors, unit-tested against hand-computed values. */
export { maskedMean, maskedRowMean, maskedRowSum, maskedMeanArray } from './masked';
export { klShapedRewards, type ShapedRewards, type ShapedRewardsInput } from './rewardShaping';
export { tokenGae, whitenMasked, type GaeInput } from './gae';
export { clippedPolicyLoss, type ClippedPolicyLoss, type ClippedPolicyLossInput, type LossAggregation } from './policyLoss';
export { clippedValueLoss, type ClippedValueLoss } from './valueLoss';
export { dpoLoss, type DpoLoss } from './dpo';
export { groupAdvantages, type GroupAdvantages } from './groupAdvantages';
