import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_MEDIA_TYPE, mediaType } from '../../src/rules/media-type.js';

describe('media type (RFC 9110 §8.3.1)', () => {
  it('drops parameters and whitespace, and lower-cases type and subtype', () => {
    assert.equal(mediaType('application/x-www-form-urlencoded'), FORM_MEDIA_TYPE);
    assert.equal(mediaType('Application/X-WWW-Form-URLEncoded; charset=UTF-8'), FORM_MEDIA_TYPE);
    assert.equal(mediaType('  application/json ;charset=utf-8'), 'application/json');
  });

  it('is empty when the header is absent or empty', () => {
    assert.equal(mediaType(undefined), '');
    assert.equal(mediaType(''), '');
    assert.equal(mediaType(';charset=utf-8'), '');
  });
});
