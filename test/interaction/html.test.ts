import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeHtml, html, raw, SafeHtml } from '../../src/interaction/html.js';

/** What a browser makes of escaped text: the numeric references escapeHtml writes, decoded. */
function decode(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('html: the escaping template tag', () => {
  it('escapes interpolated text: markup, both quotes, ampersand, backtick and equals', () => {
    const out = html`<p title="${`"><script>alert('x')</script>`}">${'Fish & chips <b>'}</p>`.toString();
    assert.equal(out, '<p title="&#34;&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;">Fish &#38; chips &#60;b&#62;</p>');
    assert.equal(escapeHtml('`a=b`'), '&#96;a&#61;b&#96;');
  });

  it('keeps nested fragments as they are, escaping only their own interpolations', () => {
    const inner = html`<strong>${'<i>'}</strong>`;
    assert.equal(html`<p>${inner}</p>`.toString(), '<p><strong>&#60;i&#62;</strong></p>');
  });

  it('joins arrays, escaping their text items and keeping their fragments', () => {
    const items = ['<a>', html`<li>${'&'}</li>`, ['x"', html`<br>`]];
    assert.equal(html`<ul>${items}</ul>`.toString(), '<ul>&#60;a&#62;<li>&#38;</li>x&#34;<br></ul>');
  });

  it('renders nothing for false, null and undefined, and numbers as text', () => {
    const shown = false as boolean;
    assert.equal(html`[${shown && html`<b>`}${null}${undefined}${0}${42}]`.toString(), '[042]');
  });

  it('inserts raw() markup unchanged, and only that', () => {
    const script = 'document.getElementById("form-post").submit();';
    assert.equal(html`<script>${raw(script)}</script>`.toString(), `<script>${script}</script>`);
    assert.equal(html`<script>${script}</script>`.toString(), '<script>document.getElementById(&#34;form-post&#34;).submit();</script>');
    assert.ok(raw('<b>') instanceof SafeHtml);
  });

  it('for any text: the interpolation holds no markup character, and decodes back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = html`<p title="${text}">${text}</p>`.toString();
        const [title, body] = [out.slice('<p title="'.length, out.indexOf('">')), out.slice(out.indexOf('">') + 2, -'</p>'.length)];
        for (const part of [title, body]) {
          assert.doesNotMatch(part, /[<>"'`=]/);
          assert.doesNotMatch(part, /&(?!#\d+;)/);
          assert.equal(decode(part), text);
        }
      }),
      { numRuns: 500 },
    );
  });
});
