// What a score means, in words. The engine calibrates scores (src/score.rs):
// a profile's match divided by the challenge's match with its own text is a
// ratio r, and the score is r / (1 + r). So 0.5 is a profile that matches
// the challenge as well as the challenge's own text would, 1/3 half as well,
// 0.2 a quarter as well, whatever the challenge's length or language: the
// same words fit the same scores in the match view, the reverse view (one
// profile against many challenges) and the CSV export.

/** Lowest score of each strength, strongest first. */
const LEVELS = [
  ['strong', 0.5],
  ['good', 1 / 3],
  ['partial', 0.2],
];

/** The strength key of a score: strong, good, partial or weak. */
export function strengthKey(score) {
  const n = Number(score);
  if (!Number.isFinite(n)) return 'weak';
  const level = LEVELS.find(([, min]) => n >= min);
  return level ? level[0] : 'weak';
}
