/** Private match codes: a short code names one live match. Reserving is set-if-absent (atomic). */

export interface CodeStore {
  /** Binds the code to the match unless the code is taken; true on success. */
  reserve(code: string, matchId: string): Promise<boolean>;
  resolve(code: string): Promise<string | null>;
  /** Unbinds the code if it still names this match (a recycled code is left alone). */
  release(code: string, matchId: string): Promise<void>;
}

export class MemoryCodeStore implements CodeStore {
  private readonly codes = new Map<string, string>();

  async reserve(code: string, matchId: string): Promise<boolean> {
    if (this.codes.has(code)) return false;
    this.codes.set(code, matchId);
    return true;
  }

  async resolve(code: string): Promise<string | null> {
    return this.codes.get(code) ?? null;
  }

  async release(code: string, matchId: string): Promise<void> {
    if (this.codes.get(code) === matchId) this.codes.delete(code);
  }
}
