import type { User } from '../accounts/user.js';
import type { PasswordConnector } from './password-connector.js';
import { resolveUpstreamUser, type ResolveDeps, type UpstreamSignIn } from './resolve-upstream-user.js';
import { refreshUpstreamClaims, type ClaimsUpdater } from './refresh-upstream-claims.js';

/** What the directories together say of a username and password (sign-in.ts). */
export type DirectoriesAnswer =
  | 'rejected'
  | 'unavailable'
  | { outcome: 'disabled' }
  /** `resolve` finds (or creates) the Tessera user: called once the attempt's throttling places are given back. */
  | { outcome: 'accepted'; connectorId: string; resolve: () => Promise<UpstreamSignIn> };

export interface PasswordDirectories {
  check(username: string, password: string): Promise<DirectoriesAnswer>;
}

export interface PasswordDirectoriesDeps extends ResolveDeps {
  users: ResolveDeps['users'] & ClaimsUpdater;
}

/**
 * The password connectors (LDAP) asked in their configured order: the first that accepts the
 * password (or knows the entry disabled) answers; when none does and one could not be asked,
 * the answer is `unavailable` (the person may be in the directory that is down), else `rejected`.
 * A person the directory accepted becomes a Tessera user through the same resolver as every
 * connector (matched by username, never auto-linked), and their claims follow the directory's.
 */
export function passwordDirectories(
  connectors: readonly PasswordConnector[],
  deps: PasswordDirectoriesDeps,
): PasswordDirectories | undefined {
  if (connectors.length === 0) return undefined;
  return {
    async check(username, password) {
      let unavailable = false;
      for (const connector of connectors) {
        const answer = await connector.checkPassword(username, password);
        if (answer.outcome === 'unavailable') unavailable = true;
        if (answer.outcome === 'disabled') return { outcome: 'disabled' };
        if (answer.outcome !== 'accepted') continue;
        const { identity } = answer;
        return {
          outcome: 'accepted',
          connectorId: connector.id,
          async resolve() {
            const signedIn = await resolveUpstreamUser(deps, identity, { provision: connector.provision, matchBy: 'username' });
            if (signedIn.kind !== 'signed-in' || signedIn.created) return signedIn;
            const user: User = await refreshUpstreamClaims(deps.users, signedIn.user, identity);
            return { ...signedIn, user };
          },
        };
      }
      return unavailable ? 'unavailable' : 'rejected';
    },
  };
}
