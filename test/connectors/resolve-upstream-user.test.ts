import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { usersStore } from '../../src/storage/users-store.js';
import { federatedIdentitiesStore } from '../../src/storage/federated-identities-store.js';
import { UserDirectory } from '../../src/accounts/user-directory.js';
import { resolveUpstreamUser, type ResolveDeps } from '../../src/connectors/resolve-upstream-user.js';
import type { UpstreamIdentity } from '../../src/connectors/upstream-identity.js';

const clock = { nowSeconds: () => 1000 };

function identity(overrides: Partial<UpstreamIdentity> = {}): UpstreamIdentity {
  return { connectorId: 'corp', subject: 'sub-1', emailVerified: false, groups: [], amr: ['fed'], ...overrides };
}

for (const kind of DATABASES) {
  describe(`upstream identity → Tessera user (${kind})`, () => {
    let db: Db;
    let users: UserDirectory;
    let deps: ResolveDeps;
    useMigratedDatabase(kind, (opened) => {
      db = opened;
      users = new UserDirectory(usersStore(db), clock);
      deps = { users, federatedIdentities: federatedIdentitiesStore(db), clock };
    });
    const userCount = async () => (await db.selectFrom('users').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

    it('creates a user with mapped claims and no password on the first sign-in, and finds the same one after the email changed', async () => {
      const first = await resolveUpstreamUser(
        deps,
        identity({ subject: 'a1', username: 'ada', email: 'ada@corp.example', emailVerified: true, name: 'Ada L', groups: ['eng'] }),
        { provision: true },
      );
      assert.equal(first.kind, 'signed-in');
      assert.ok(first.kind === 'signed-in' && first.created);
      assert.equal(first.user.username, 'ada');
      assert.deepEqual(first.user.claims, {
        name: 'Ada L',
        preferred_username: 'ada',
        email: 'ada@corp.example',
        email_verified: true,
        groups: ['eng'],
      });
      assert.equal(await users.hasPassword(first.user.id), false);
      assert.equal(await users.authenticate('ada', '!no-password'), undefined, 'no password signs in');
      const again = await resolveUpstreamUser(
        deps,
        identity({ subject: 'a1', username: 'ada', email: 'new@corp.example', emailVerified: true }),
        {
          provision: true,
        },
      );
      assert.ok(again.kind === 'signed-in' && !again.created && again.user.id === first.user.id);
      assert.equal((await deps.federatedIdentities.find('corp', 'a1'))?.email, 'new@corp.example');
    });

    it('refuses, without linking, when a local account has the same verified email (any case)', async () => {
      await users.create('grace', 'correct horse', { email: 'Grace@Example.com', email_verified: true });
      const before = await userCount();
      const result = await resolveUpstreamUser(deps, identity({ subject: 'g1', email: 'grace@example.COM', emailVerified: true }), {
        provision: true,
      });
      assert.deepEqual(result, { kind: 'refused', reason: 'account-exists' });
      assert.equal(await userCount(), before, 'nothing provisioned');
      assert.equal(await deps.federatedIdentities.find('corp', 'g1'), undefined, 'nothing linked');
    });

    it('never links by an unverified email: a new user is made, without the taken address', async () => {
      const owner = await users.create('linus', 'correct horse', { email: 'linus@example.com' });
      const result = await resolveUpstreamUser(
        deps,
        identity({ subject: 'l1', username: 'linus', email: 'linus@example.com', emailVerified: false }),
        {
          provision: true,
        },
      );
      assert.ok(result.kind === 'signed-in' && result.created);
      assert.notEqual(result.user.id, owner.id);
      assert.equal(result.user.username, 'linus-2', 'a free variant of the taken username');
      assert.equal(result.user.claims.email, undefined);
      assert.equal((await users.findByEmail('LINUS@example.com'))?.id, owner.id);
    });

    it('keeps an unverified email nobody has, marked unverified', async () => {
      const result = await resolveUpstreamUser(deps, identity({ subject: 'm1', email: 'margaret@example.com' }), { provision: true });
      assert.ok(result.kind === 'signed-in');
      assert.equal(result.user.username, 'margaret@example.com');
      assert.deepEqual(result.user.claims, { email: 'margaret@example.com', email_verified: false });
    });

    it('names a user with neither username nor email after connector and subject', async () => {
      const result = await resolveUpstreamUser(deps, identity({ connectorId: 'gh', subject: '4242' }), { provision: true });
      assert.ok(result.kind === 'signed-in' && result.user.username === 'gh-4242');
    });

    it('refuses unlinked identities when provisioning is off, and disabled users through their link', async () => {
      const before = await userCount();
      assert.deepEqual(await resolveUpstreamUser(deps, identity({ subject: 'n1' }), { provision: false }), {
        kind: 'refused',
        reason: 'not-provisioned',
      });
      assert.equal(await userCount(), before);
      const made = await resolveUpstreamUser(deps, identity({ subject: 'd1', username: 'dis' }), { provision: true });
      assert.ok(made.kind === 'signed-in');
      await usersStore(db).setDisabled(made.user.id, 5, 5);
      assert.deepEqual(await resolveUpstreamUser(deps, identity({ subject: 'd1' }), { provision: true }), {
        kind: 'refused',
        reason: 'disabled',
      });
      const linkedOnly = await resolveUpstreamUser(deps, identity({ subject: 'd1' }), { provision: false });
      assert.equal(linkedOnly.kind, 'refused', 'a link works without provisioning, but the user is disabled');
    });

    it('a username-keyed connector refuses when the local username exists', async () => {
      await users.create('hopper', 'correct horse');
      assert.deepEqual(
        await resolveUpstreamUser(deps, identity({ connectorId: 'ldap', subject: 'e1', username: 'hopper' }), {
          provision: true,
          matchBy: 'username',
        }),
        {
          kind: 'refused',
          reason: 'account-exists',
        },
      );
    });

    it('two first sign-ins racing end as one user and one link', async () => {
      const before = await userCount();
      const racing = identity({ subject: 'race', username: 'racer' });
      const results = await Promise.all([1, 2, 3].map(() => resolveUpstreamUser(deps, racing, { provision: true })));
      const ids = new Set(results.map((r) => (r.kind === 'signed-in' ? r.user.id : r.kind)));
      assert.equal(ids.size, 1, 'every racer signs in as the same user');
      assert.equal(await userCount(), before + 1, 'the losers’ users are gone');
      assert.equal((await deps.federatedIdentities.find('corp', 'race'))?.userId, [...ids][0]);
    });

    it('keeps sealed upstream tokens only when given, and keeps the old ones when a sign-in brings none', async () => {
      const made = await resolveUpstreamUser(deps, identity({ subject: 't1' }), { provision: true, tokensEncrypted: 'sealed-1' });
      assert.ok(made.kind === 'signed-in');
      assert.equal((await deps.federatedIdentities.find('corp', 't1'))?.tokensEncrypted, 'sealed-1');
      await resolveUpstreamUser(deps, identity({ subject: 't1' }), { provision: true });
      assert.equal((await deps.federatedIdentities.find('corp', 't1'))?.tokensEncrypted, 'sealed-1');
    });
  });

  describe(`users by email over the claims (${kind})`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));
    it('matches the email claim exactly, case aside, and nothing like it', async () => {
      const users = new UserDirectory(usersStore(db), clock);
      const a = await users.create('a_user', 'correct horse', { email: 'a_b%c@example.com' });
      await users.create('b_user', 'correct horse', { email: 'axb%c@example.com', name: '"email":"a_b%c@example.com' });
      assert.equal((await users.findByEmail('A_B%C@example.com'))?.id, a.id);
      assert.equal(await users.findByEmail('a_b@example.com'), undefined);
      assert.equal(await users.findByEmail('%'), undefined);
      assert.equal(await users.findByEmail('a%'), undefined);
    });
  });
}
