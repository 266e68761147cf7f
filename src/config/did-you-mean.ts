import { distance } from 'fastest-levenshtein';

/**
 * The known name a mistyped one was most likely meant to be: the nearest by edit distance
 * (ignoring case), if it is within a third of the name's length (at least one edit).
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** " (did you mean x?)" for a likely typo, else nothing. */
export function didYouMean(name: string, known: Iterable<string>, show: (candidate: string) => string = (c) => c): string {
  const match = closestName(name, known);
  return match === undefined ? '' : ` (did you mean ${show(match)}?)`;
}
