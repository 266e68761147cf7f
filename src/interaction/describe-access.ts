import type { Translate } from '../i18n/translator.js';
import { SCOPE_DESCRIPTIONS } from '../rules/scope.js';

/**
 * What a scope means, in the reader's language: the standard scopes from the `claims`
 * catalogue, an operator's own scope (config `scopes`, or a standard one redescribed there)
 * in the operator's words.
 */
export function describeScope(t: Translate, scope: { name: string; description: string }): string {
  if (SCOPE_DESCRIPTIONS[scope.name] !== scope.description) return scope.description;
  return t(`claims:scope_${scope.name}`, { defaultValue: scope.description });
}

/** A claim asked for on its own (OIDC Core §5.5), in plain words; an unknown claim by its name. */
export function describeClaim(t: Translate, name: string, fallback: string): string {
  return t('claims:see_claim', { claim: t(`claims:claim_${name}`, { defaultValue: fallback }) });
}
