import { STANDARD_MAPPING, type ClaimMapping } from './connector-settings.js';

/** What a preset fills in; the operator's own keys win over it. */
export interface Preset {
  protocol: 'oidc' | 'oauth2';
  name: string;
  scopes: string[];
  claims: ClaimMapping;
  /** The preset's own options (tenant, url) and what they default to. */
  options: Record<string, string>;
  /** The endpoints, from the preset's options. */
  endpoints(options: Record<string, string>): {
    issuer?: string;
    authorizationUrl?: string;
    tokenUrl?: string;
    userUrl?: string;
    emailsUrl?: string;
  };
}

const OIDC_SCOPES = ['openid', 'email', 'profile'];

export const PRESETS: Record<string, Preset> = {
  google: {
    protocol: 'oidc',
    name: 'Google',
    scopes: OIDC_SCOPES,
    claims: STANDARD_MAPPING,
    options: {},
    endpoints: () => ({ issuer: 'https://accounts.google.com' }),
  },
  /**
   * Microsoft Entra ID. A tenant id or domain gives that tenant's issuer; `common`, `organizations`
   * and `consumers` give Microsoft's multi-tenant issuer, whose ID tokens are checked against
   * the signing tenant (`tid`) by openid-client. Entra's `email` is not verified by Microsoft,
   * so it never matches a local account.
   */
  microsoft: {
    protocol: 'oidc',
    name: 'Microsoft',
    scopes: OIDC_SCOPES,
    claims: { ...STANDARD_MAPPING, subject: 'oid', groups: 'groups' },
    options: { tenant: 'common' },
    endpoints: ({ tenant }) => ({ issuer: `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/v2.0` }),
  },
  /** GitHub or GitHub Enterprise Server (`url`): OAuth 2.0 and the REST API's /user and /user/emails. */
  github: {
    protocol: 'oauth2',
    name: 'GitHub',
    scopes: ['read:user', 'user:email'],
    claims: { ...STANDARD_MAPPING, subject: 'id', username: 'login', picture: 'avatar_url', emailVerified: '' },
    options: { url: 'https://github.com' },
    endpoints: ({ url }) => {
      const web = url.replace(/\/+$/, '');
      const api = web === 'https://github.com' ? 'https://api.github.com' : `${web}/api/v3`;
      return {
        authorizationUrl: `${web}/login/oauth/authorize`,
        tokenUrl: `${web}/login/oauth/access_token`,
        userUrl: `${api}/user`,
        emailsUrl: `${api}/user/emails`,
      };
    },
  },
  /** GitLab.com or a self-hosted GitLab (`url`), which is an OpenID Connect provider. */
  gitlab: {
    protocol: 'oidc',
    name: 'GitLab',
    scopes: OIDC_SCOPES,
    claims: { ...STANDARD_MAPPING, username: 'nickname', groups: 'groups' },
    options: { url: 'https://gitlab.com' },
    endpoints: ({ url }) => ({ issuer: url.replace(/\/+$/, '') }),
  },
};
