import type { Db } from './database.js';
import type { InitialAccessTokenRow } from './schema.js';

export type InitialAccessTokenRecord = InitialAccessTokenRow;

/** Initial access tokens for the registration endpoint (RFC 7591 §3), stored by hash. */
export interface InitialAccessTokensStore {
  insert(token: InitialAccessTokenRecord): Promise<void>;
  /** The token with this hash if it has not expired at `now`. */
  findValid(tokenHash: string, now: number): Promise<InitialAccessTokenRecord | undefined>;
  list(): Promise<InitialAccessTokenRecord[]>;
  delete(tokenHash: string): Promise<boolean>;
}

export function initialAccessTokensStore(db: Db): InitialAccessTokensStore {
  return {
    async insert(token) {
      await db.insertInto('initial_access_tokens').values(token).execute();
    },
    findValid: (tokenHash, now) =>
      db
        .selectFrom('initial_access_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst(),
    list: () => db.selectFrom('initial_access_tokens').selectAll().orderBy('created_at').execute(),
    async delete(tokenHash) {
      const result = await db.deleteFrom('initial_access_tokens').where('token_hash', '=', tokenHash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
