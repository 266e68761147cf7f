import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pageLanguage } from '../../src/connectors/page-language.js';
import { mapIdentity } from '../../src/connectors/map-identity.js';
import { STANDARD_MAPPING } from '../../src/connectors/connector-settings.js';
import { UpstreamError } from '../../src/connectors/upstream-error.js';

describe('connector pages: language', () => {
  it('takes the best-weighted language Tessera speaks, by primary subtag; English otherwise', () => {
    assert.equal(pageLanguage(undefined), 'en');
    assert.equal(pageLanguage('de-CH, en;q=0.5'), 'de');
    assert.equal(pageLanguage('nl, fr;q=0.4, ar;q=0.8'), 'ar');
    assert.equal(pageLanguage('ja;q=0, es;q=0.1'), 'es');
    assert.equal(pageLanguage('*'), 'en');
  });
});

describe('upstream claims → identity', () => {
  it('maps nested and dotted claim names, numeric subjects, and only a real true as verified', () => {
    const identity = mapIdentity(
      'gh',
      { id: 42, profile: { mail: 'a@b.example' }, 'https://corp/groups': ['x', 1, 'y'], email_verified: 'true' },
      { ...STANDARD_MAPPING, subject: 'id', email: 'profile.mail', groups: 'https://corp/groups' },
      { amr: ['fed'] },
    );
    assert.equal(identity.subject, '42');
    assert.equal(identity.email, 'a@b.example');
    assert.equal(identity.emailVerified, false);
    assert.deepEqual(identity.groups, ['x', 'y']);
  });

  it('refuses an answer without a subject', () => {
    assert.throws(
      () => mapIdentity('corp', { email: 'a@b.example' }, STANDARD_MAPPING, { amr: ['fed'] }),
      (err: unknown) => err instanceof UpstreamError && err.kind === 'invalid',
    );
  });
});
