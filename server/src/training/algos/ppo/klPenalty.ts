/**
 * PPO's adaptive KL penalty (Schulman et al. 2017, section 4): after each policy update,
 *   d = E_t[ KL[pi_old(.|s_t), pi_new(.|s_t)] ]
 *   d < d_targ / 1.5  =>  beta <- beta / 2
 *   d > d_targ * 1.5  =>  beta <- beta * 2
 * and the next update maximises E[ r A - beta KL ] with the new beta.
 */
export function adaptKlCoef(beta: number, kl: number, target: number): number {
  if (kl < target / 1.5) return beta / 2;
  if (kl > target * 1.5) return beta * 2;
  return beta;
}
