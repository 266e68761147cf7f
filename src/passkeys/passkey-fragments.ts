import { csrfField } from '../interaction/csrf-field.js';
import { html, raw, type SafeHtml } from '../interaction/html.js';
import { scriptHash } from '../interaction/layout.js';
import type { Ceremony } from './passkeys.js';

/**
 * The one script of the passkey forms (`form[data-passkey]`): it turns the server's JSON options
 * into navigator.credentials arguments, runs the ceremony, puts the credential's JSON in the
 * form's `response` field and submits the form, so the server answers with an ordinary page.
 * `data-conditional` also offers the passkeys in the username field's autofill (conditional
 * mediation); pressing the button aborts that request and asks directly.
 */
const SCRIPT = `(function () {
  function dec(s) { s = s.replace(/-/g, '+').replace(/_/g, '/'); while (s.length % 4) s += '=';
    return Uint8Array.from(atob(s), function (c) { return c.charCodeAt(0); }); }
  function enc(b) { var s = ''; new Uint8Array(b).forEach(function (x) { s += String.fromCharCode(x); });
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); }
  function ids(list) { return (list || []).map(function (c) { return Object.assign({}, c, { id: dec(c.id) }); }); }
  function json(c) {
    var r = c.response, out = { id: c.id, rawId: enc(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment,
      clientExtensionResults: c.getClientExtensionResults(), response: { clientDataJSON: enc(r.clientDataJSON) } };
    if (r.attestationObject) { out.response.attestationObject = enc(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : []; }
    else { out.response.authenticatorData = enc(r.authenticatorData); out.response.signature = enc(r.signature);
      if (r.userHandle) out.response.userHandle = enc(r.userHandle); }
    return JSON.stringify(out);
  }
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var waiting = null;
    function run(conditional) {
      var o = JSON.parse(form.getAttribute('data-options')), error = form.querySelector('.passkey-error'), ceremony;
      o.challenge = dec(o.challenge);
      if (waiting) waiting.abort();
      waiting = new AbortController();
      if (form.getAttribute('data-passkey') === 'register') {
        o.user.id = dec(o.user.id); o.excludeCredentials = ids(o.excludeCredentials);
        ceremony = navigator.credentials.create({ publicKey: o, signal: waiting.signal });
      } else {
        o.allowCredentials = ids(o.allowCredentials);
        ceremony = navigator.credentials.get(conditional ? { publicKey: o, mediation: 'conditional', signal: waiting.signal }
          : { publicKey: o, signal: waiting.signal });
      }
      ceremony.then(function (credential) { form.elements.response.value = json(credential); form.submit(); }, function (e) {
        if (conditional || e.name === 'AbortError') return;
        error.textContent = form.getAttribute('data-failed') + ' (' + e.message + ')'; error.hidden = false;
      });
    }
    form.addEventListener('submit', function (e) { if (!form.elements.response.value) { e.preventDefault(); run(false); } });
    if (form.hasAttribute('data-conditional') && window.PublicKeyCredential && PublicKeyCredential.isConditionalMediationAvailable)
      PublicKeyCredential.isConditionalMediationAvailable().then(function (ok) { if (ok) run(true); });
  });
})();`;

/** What a page adds to show a passkey form: its markup and the CSP hash of the script. */
export interface PasskeyFragment {
  html: SafeHtml;
  scriptHashes: string[];
}

export const PASSKEY_SCRIPT_HASHES = [scriptHash(SCRIPT)];

export interface PasskeyFormOptions {
  action: string;
  csrf: string;
  ceremony: Ceremony<unknown>;
  returnTo?: string;
  /** Also offer passkeys in the username field's autofill (the sign-in page). */
  conditional?: boolean;
  /** Shown when the browser's ceremony fails, translated ("No passkey was used. You can try again."). */
  failedText: string;
}

/** "Sign in with a passkey" (sign-in page) or "Use a passkey" (second factor). */
export function passkeySignInForm(options: PasskeyFormOptions & { label: string }): PasskeyFragment {
  return {
    html: html`<form method="post" action="${options.action}" class="passkey-form" data-passkey="authenticate"
  data-options="${JSON.stringify(options.ceremony.options)}" data-failed="${options.failedText}"${options.conditional ? html` data-conditional` : null}>
${csrfField(options.csrf)}${options.returnTo && html`<input type="hidden" name="return_to" value="${options.returnTo}">`}
<input type="hidden" name="handle" value="${options.ceremony.handle}"><input type="hidden" name="response" value="">
<p class="alert passkey-error" role="alert" hidden></p>
<button type="submit" class="secondary passkey-submit">${options.label}</button></form>
<script>${raw(SCRIPT)}</script>`,
    scriptHashes: PASSKEY_SCRIPT_HASHES,
  };
}

/** "Add a passkey" on the security page, with the name to give it. */
export function passkeyRegisterForm(
  options: PasskeyFormOptions & { nameLabel: string; defaultName: string; label: string },
): PasskeyFragment {
  return {
    html: html`<form method="post" action="${options.action}" class="passkey-form" data-passkey="register"
  data-options="${JSON.stringify(options.ceremony.options)}" data-failed="${options.failedText}">
${csrfField(options.csrf)}${options.returnTo && html`<input type="hidden" name="return_to" value="${options.returnTo}">`}
<input type="hidden" name="handle" value="${options.ceremony.handle}"><input type="hidden" name="response" value="">
<label for="passkey-name">${options.nameLabel}</label>
<input type="text" id="passkey-name" name="name" maxlength="60" value="${options.defaultName}" required>
<p class="alert passkey-error" role="alert" hidden></p>
<button type="submit" class="passkey-add">${options.label}</button></form>
<script>${raw(SCRIPT)}</script>`,
    scriptHashes: PASSKEY_SCRIPT_HASHES,
  };
}
