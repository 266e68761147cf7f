/** The console's own client: public, PKCE, registered by Tessera itself at start (see src/admin-api). */
export const CONSOLE_CLIENT_ID = 'tessera-admin-console';
/** Where the console's pages live; the sign-in comes back to the callback below. */
export const CONSOLE_PATH = '/admin';
export const CONSOLE_CALLBACK_PATH = '/admin/callback';
/** The admin API the console calls (RFC 8707 resource `<issuer>/admin/v1`). */
export const ADMIN_API_PATH = '/admin/v1';
/** What the console asks for: who signed in (ID token), and read and write access to the admin API. */
export const CONSOLE_SCOPES = ['openid', 'profile', 'admin:read', 'admin:write'];
