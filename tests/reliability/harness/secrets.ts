import { randomBytes } from 'node:crypto';

/** The credentials of one scenario: every service requires its own. */
export interface ScenarioTokens {
  ray: string;
  backend: string;
  agent: string;
}

/** Fresh random tokens, recognisable by their prefix if one ever shows up in an output. */
export function freshTokens(): ScenarioTokens {
  const token = (kind: string) => `rel-${kind}-${randomBytes(16).toString('hex')}`;
  return { ray: token('ray'), backend: token('backend'), agent: token('agent') };
}

// A leak is any 12 consecutive characters of a token: a token cut by a log line, or printed
// with its prefix masked, still counts.
const WINDOW = 12;

/** The tokens (or the parts of them) that `text` contains; empty when it leaks none. */
export function leakedTokens(text: string, tokens: readonly string[]): string[] {
  return tokens.filter((token) => {
    for (let at = 0; at + WINDOW <= token.length; at++) {
      if (text.includes(token.slice(at, at + WINDOW))) return true;
    }
    return false;
  });
}
