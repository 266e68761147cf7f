import { SCOPE_CLAIMS } from '../rules/release-policy.js';

/** Discovery claims_supported: `sub`, the ID token's session claims, and OIDC Core §5.1's standard claims. */
export const STANDARD_CLAIMS = ['sub', 'iss', 'auth_time', 'acr', 'amr', 'sid', ...Object.values(SCOPE_CLAIMS).flat()];
