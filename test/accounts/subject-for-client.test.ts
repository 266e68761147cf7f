import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sectorIdentifier, subjectForClient } from '../../src/accounts/subject-for-client.js';
import type { Client, ClientMetadata } from '../../src/clients/client.js';
import { isHintOfSession } from '../../src/logout/resolve-logout-request.js';
import type { Session } from '../../src/session/sessions.js';

const KEY = Buffer.alloc(32, 7);
const client = (metadata: Partial<ClientMetadata>): Client =>
  ({ clientId: metadata.client_id ?? 'c', metadata: { client_id: 'c', redirect_uris: [], ...metadata } }) as Client;

describe('subject identifiers (OIDC Core §8)', () => {
  it('a public client sees the user id', () => {
    assert.equal(subjectForClient(KEY, client({ redirect_uris: ['https://a.example/cb'] }), 'user-1'), 'user-1');
  });

  it('pairwise: stable within a sector, different across sectors, users and keys', () => {
    const a1 = client({ subject_type: 'pairwise', redirect_uris: ['https://a.example/cb'] });
    const a2 = client({ subject_type: 'pairwise', redirect_uris: ['https://a.example/other', 'https://a.example:8443/x'] });
    const b = client({ subject_type: 'pairwise', redirect_uris: ['https://b.example/cb'] });
    const sub = subjectForClient(KEY, a1, 'user-1');
    assert.equal(subjectForClient(KEY, a1, 'user-1'), sub);
    assert.equal(subjectForClient(KEY, a2, 'user-1'), sub, 'the sector is the host, not the port or path');
    assert.notEqual(subjectForClient(KEY, b, 'user-1'), sub);
    assert.notEqual(subjectForClient(KEY, a1, 'user-2'), sub);
    assert.notEqual(subjectForClient(Buffer.alloc(32, 8), a1, 'user-1'), sub);
    assert.ok(!sub.includes('user-1'));
  });

  it('the sector is the host of sector_identifier_uri over the redirect URIs', () => {
    assert.equal(
      sectorIdentifier({ sector_identifier_uri: 'https://s.example/x.json', redirect_uris: ['https://a.example/cb'] }),
      's.example',
    );
    assert.equal(sectorIdentifier({ redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] }), undefined);
    assert.equal(sectorIdentifier({ redirect_uris: ['com.example.app:/cb'] }), undefined);
    assert.throws(() => subjectForClient(KEY, client({ subject_type: 'pairwise', redirect_uris: [] }), 'u'), /no sector/);
  });

  it('an id_token_hint without sid names the session user in its client terms (RP-Initiated Logout §2)', () => {
    const session = { sid: 's1', userId: 'user-1' } as Session;
    const pairwise = (userId: string) => `pw-${userId}`;
    assert.equal(isHintOfSession({ sub: 'pw-user-1', clientId: 'c' }, session, pairwise), true);
    assert.equal(isHintOfSession({ sub: 'user-1', clientId: 'c' }, session, pairwise), false);
    assert.equal(
      isHintOfSession({ sub: 'user-1', clientId: 'c' }, session, () => undefined),
      false,
    );
  });
});
