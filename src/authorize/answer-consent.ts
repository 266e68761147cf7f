import type { AuditLog } from '../audit/audit-log.js';
import { AccessDenied } from '../protocol/oauth-errors.js';
import type { Session } from '../session/sessions.js';
import { consentToRemember } from '../rules/release-policy.js';
import type { ConsentsStore } from '../storage/ports.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { authorizationResponse } from './authorization-response.js';
import type { AuthorizationDecision } from './continue-authorization.js';
import { issueCode, type IssueCodeDeps } from './issue-code.js';
import type { PendingRequests } from './pending-request.js';
import { resumePath } from './resume-path.js';

export interface AnswerConsentDeps extends IssueCodeDeps {
  issuer: string;
  consents: Pick<ConsentsStore, 'remember'>;
  audit: Pick<AuditLog, 'record'>;
  pendingRequests: Pick<PendingRequests, 'seal'>;
}

export interface ConsentAnswer {
  pending: AuthorizationRequest;
  /** The session the consent page was shown to. */
  shownTo: string | undefined;
  decision: 'allow' | 'deny';
  /** The session of the browser that answered. */
  session: Session | undefined;
  address: string;
}

/** The person's Allow or Deny on the consent page (OIDC Core §3.1.2.4). */
export async function answerConsent(deps: AnswerConsentDeps, answer: ConsentAnswer): Promise<AuthorizationDecision> {
  const { pending, session } = answer;
  // The consent was shown to another session (signed out or switched user since): start over.
  if (!session || session.sid !== answer.shownTo) {
    return { kind: 'resume', url: `${deps.issuer}${resumePath(deps.pendingRequests.seal(pending))}` };
  }
  // RFC 6749 §4.1.2.1: the resource owner denied the request.
  if (answer.decision === 'deny') throw new AccessDenied('the person did not allow the application access');
  const consent = consentToRemember(pending);
  await deps.consents.remember(session.userId, pending.clientId, consent, deps.clock.nowSeconds());
  await deps.audit.record({
    type: 'consent.granted',
    userId: session.userId,
    clientId: pending.clientId,
    address: answer.address,
    detail: { scope: pending.scopes.join(' '), claims: consent.claims.join(' ') || undefined },
  });
  const code = await issueCode(deps, pending, session);
  return { kind: 'respond', response: authorizationResponse(pending, deps.issuer, { code }) };
}
