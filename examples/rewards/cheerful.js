// A user reward function for ppo_rlhf / grpo (`reward_module: ./rewards/cheerful.js`).
// Called in the training process with the prompt and the sampled completion (text, eos removed);
// it must return a finite number. Here: +1 per cheerful word, -1 per gloomy one, over the word count.
const CHEERFUL = new Set(['good', 'great', 'nice', 'happy', 'fun', 'best', 'kind', 'warm', 'sweet', 'lovely', 'fine', 'calm', 'bright', 'joy']);
const GLOOMY = new Set(['bad', 'sad', 'awful', 'poor', 'dull', 'worst', 'ugly', 'cold', 'boring', 'grim', 'weak', 'lame', 'rude', 'dark']);

module.exports = function reward(prompt, completion) {
  const words = completion.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return -1;
  let score = 0;
  for (const w of words) score += CHEERFUL.has(w) ? 1 : GLOOMY.has(w) ? -1 : 0;
  return score / Math.max(3, words.length);
};
