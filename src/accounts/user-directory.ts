import { randomToken } from '../util/random.js';
import type { Clock } from '../util/clock.js';
import type { UsersPageQuery, UsersStore, UserWithHash } from '../storage/ports.js';
import type { User } from './user.js';
import { decoyHash, hashPassword, verifyPassword } from './password-hashing.js';
import { validateUserClaims } from './validate-user-claims.js';

/** Users: creation, password checks and changes. Passwords only ever stored as argon2id. */
export class UserDirectory {
  constructor(
    private readonly store: UsersStore,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<User | undefined> {
    return this.store.findById(id);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const found = await this.store.findByUsername(username);
    if (!found) return undefined;
    const { passwordHash: _hidden, ...user } = found;
    return user;
  }

  list(): Promise<User[]> {
    return this.store.list();
  }

  /** One page of users in username order (the admin API's list). */
  page(query: UsersPageQuery): Promise<User[]> {
    return this.store.page(query);
  }

  /** Replaces the user's claims, validated as at creation (OIDC Core §5.1 types). False when there is no such user. */
  async updateClaims(id: string, claims: Record<string, unknown>): Promise<boolean> {
    const valid = validateUserClaims(claims);
    if (!(await this.store.findById(id))) return false;
    await this.store.updateClaims(id, valid, this.clock.nowSeconds());
    return true;
  }

  /** Replaces the user's roles (`admin`). False when there is no such user. */
  setRoles(id: string, roles: readonly string[]): Promise<boolean> {
    return this.store.setRoles(id, [...new Set(roles)].sort(), this.clock.nowSeconds());
  }

  async create(username: string, password: string, claims: Record<string, unknown> = {}): Promise<User> {
    checkUsername(username);
    checkPassword(password);
    const user = {
      id: randomToken(16),
      username,
      claims: validateUserClaims(claims),
      createdAt: this.clock.nowSeconds(),
      disabledAt: null,
      roles: [],
    };
    await this.store.insert({ ...user, passwordHash: await hashPassword(password) }, user.createdAt);
    return user;
  }

  /** Config seeding: creates the user, or brings claims and password up to date. Idempotent. */
  async upsert(username: string, password: string, claims: Record<string, unknown> = {}): Promise<User> {
    const existing = await this.store.findByUsername(username);
    if (!existing) return this.create(username, password, claims);
    const now = this.clock.nowSeconds();
    const validClaims = validateUserClaims(claims);
    if (JSON.stringify(validClaims) !== JSON.stringify(existing.claims)) await this.store.updateClaims(existing.id, validClaims, now);
    if (!(await verifyPassword(existing.passwordHash, password)))
      await this.store.setPasswordHash(existing.id, await hashPassword(password), now);
    return { ...withoutHash(existing), claims: validClaims };
  }

  async setPassword(username: string, password: string): Promise<boolean> {
    checkPassword(password);
    const existing = await this.store.findByUsername(username);
    if (!existing) return false;
    return this.store.setPasswordHash(existing.id, await hashPassword(password), this.clock.nowSeconds());
  }

  /**
   * Disables the user (no sign-in, no tokens: see accounts/disable-user.ts for what else ends),
   * or enables them again. The user as now stored, or undefined when there is no such user.
   */
  async setDisabled(username: string, disabled: boolean): Promise<User | undefined> {
    const existing = await this.store.findByUsername(username);
    if (!existing) return undefined;
    const now = this.clock.nowSeconds();
    const disabledAt = disabled ? (existing.disabledAt ?? now) : null;
    if (!(await this.store.setDisabled(existing.id, disabledAt, now))) return undefined;
    const { passwordHash: _hidden, ...user } = existing;
    return { ...user, disabledAt };
  }

  async delete(username: string): Promise<boolean> {
    const existing = await this.store.findByUsername(username);
    return existing ? this.store.delete(existing.id) : false;
  }

  /** The user when the password is right; the same work is done for unknown usernames. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const found = await this.store.findByUsername(username);
    if (!found) {
      await verifyPassword(await decoyHash(), password);
      return undefined;
    }
    if (!(await verifyPassword(found.passwordHash, password))) return undefined;
    const { passwordHash: _hidden, ...user } = found;
    return user;
  }
}

function withoutHash({ passwordHash: _hidden, ...user }: UserWithHash): User {
  return user;
}

function checkUsername(username: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (!/^[^\s\x00-\x1f]{1,100}$/.test(username)) throw new TypeError('username must be 1 to 100 characters without spaces');
}

function checkPassword(password: string): void {
  if (password.length < 8 || password.length > 1024) throw new TypeError('password must be 8 to 1024 characters');
}
