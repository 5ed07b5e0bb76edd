/** Draws a private match code and reserves it; a collision just draws again. */
import { randomInt } from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH } from '../../shared/protocol/lobby-rules.ts';
import type { CodeStore } from './stores/index.ts';

export function drawCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * With 28 million codes and at most thousands live, one draw nearly always succeeds; eight
 * collisions in a row mean the store is broken or full, and the caller gets an error.
 */
export async function reserveCode(codes: CodeStore, matchId: string, attempts = 8): Promise<string | null> {
  for (let i = 0; i < attempts; i++) {
    const code = drawCode();
    if (await codes.reserve(code, matchId)) return code;
  }
  return null;
}
