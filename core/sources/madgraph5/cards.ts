/**
 * Seeded copies of the Pythia8 and Delphes cards. MG5 seeds only its own integration (iseed); Pythia8 and Delphes
 * have their own seeds, which must be set too for a run to be reproducible.
 */

/** Pythia8 card with `Random:setSeed = on` and `Random:seed = seed` (1…900,000,000), replacing earlier values. */
export function seedPythia8Card(text: string, seed: number): string {
  const lines = text.split('\n').filter((l) => !/^\s*Random:(setSeed|seed)\s*=/i.test(l));
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  lines.push('! seeded by HEP ML Lab', 'Random:setSeed = on', `Random:seed = ${seed}`, '');
  return lines.join('\n');
}

/** Delphes card with a top-level `set RandomSeed seed` (replaces one that is there). */
export function seedDelphesCard(text: string, seed: number): string {
  const lines = text.split('\n').filter((l) => !/^\s*set\s+RandomSeed\b/.test(l));
  return [`# seeded by HEP ML Lab`, `set RandomSeed ${seed}`, ...lines].join('\n');
}
