import { Type } from 'typebox';
import { Problem } from './problem.js';

/** Most items in one page, and how many when the caller does not say. */
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 50;

/** The query of every list: page size, where to continue, and a search. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'items per page' })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'next_cursor of the previous page' })),
};

/**
 * An opaque cursor: where the next page starts, in the list's stable order. Callers only ever
 * pass back what next_cursor gave them; the encoding is no contract.
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor names; 400 for one that was not made here. */
export function decodeCursor<T>(cursor: string | undefined, isPosition: (value: unknown) => value is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isPosition(value)) return value;
  } catch {
    // falls through to the refusal
  }
  throw new Problem(400, 'cursor is not one this API gave out: pass next_cursor back unchanged', { field: 'querystring.cursor' });
}

export const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * One page of a list already in its stable order, for the small sets kept whole (clients,
 * keys, initial access tokens): the items after the cursor's key, and the cursor of the next.
 */
export function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, limit: number, cursor: string | undefined): Page<T> {
  const after = decodeCursor(cursor, isString);
  const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after);
  const page = rest.slice(0, limit);
  return { items: page, next_cursor: rest.length > limit ? encodeCursor(keyOf(page[page.length - 1])) : null };
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** A page of a store-backed list: ask for one more than `limit` to know whether another page follows. */
export function pageFromExtra<T>(fetched: T[], limit: number, positionOf: (item: T) => unknown): Page<T> {
  const page = fetched.slice(0, limit);
  return { items: page, next_cursor: fetched.length > limit ? encodeCursor(positionOf(page[page.length - 1])) : null };
}
