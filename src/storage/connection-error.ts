/**
 * A database that cannot be reached or opened at startup, told in the operator's words: which
 * kind of database, where, which setting named it, and why. The password is never part of it.
 */
export class DatabaseConnectionError extends Error {}

/** Driver and system error codes that mean "could not reach or open", with what to say about each. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running and listening there?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'the connection was reset',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder',
  ENOENT: 'no such file or folder',
  // PostgreSQL SQLSTATEs (appendix A): authentication, unknown role or database, refused connections.
  '28P01': 'password authentication failed',
  '28000': 'the role is not allowed to connect',
  '3D000': 'no such database',
  '53300': 'too many connections',
  '57P03': 'the server is starting up or shutting down',
  SQLITE_CANTOPEN: 'unable to open the database file',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_NOTADB: 'the file is not a SQLite database',
};

/**
 * Describes `err` as a connection failure to the database at `url`, named by `source`
 * (`DATABASE_URL`, `databaseUrl in tessera.yaml`); returns undefined for any other error.
 */
export function describeConnectionError(url: string, source: string, err: unknown): DatabaseConnectionError | undefined {
  const reason = reasonOf(err);
  if (!reason) return undefined;
  if (url.startsWith('sqlite:')) {
    return new DatabaseConnectionError(`cannot open the SQLite database ${url.slice('sqlite:'.length)} (from ${source}): ${reason}`, {
      cause: err,
    });
  }
  const where = URL.canParse(url) ? new URL(url) : undefined;
  const at = where ? `${where.hostname || 'localhost'}:${where.port || 5432}${where.pathname.length > 1 ? where.pathname : ''}` : 'the URL';
  const user = where?.username ? ` as ${decodeURIComponent(where.username)}` : '';
  return new DatabaseConnectionError(`cannot connect to PostgreSQL at ${at}${user} (from ${source}): ${reason}`, { cause: err });
}

function reasonOf(err: unknown): string | undefined {
  // Node tries every address of a name (::1 and 127.0.0.1 for localhost) and reports them together.
  const first: unknown = err instanceof AggregateError && err.errors.length > 0 ? (err.errors[0] as unknown) : err;
  const { code, message } = (first ?? {}) as { code?: string; message?: string };
  if (code === 'ERR_SQLITE_ERROR' && /unable to open|readonly|not a database/i.test(message ?? '')) return message;
  if (code && Object.hasOwn(REASONS, code)) {
    // PostgreSQL's own words name the role or database (never the password).
    return /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code) && message ? message : REASONS[code];
  }
  if (/timeout expired|Connection terminated due to connection timeout/i.test(message ?? '')) return 'timed out';
  return undefined;
}
