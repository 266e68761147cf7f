/**
 * The provider's discovery metadata (OIDC Discovery §3, RFC 8414 §2), filled in by each
 * endpoint as it is registered, so nothing is advertised before it exists.
 */
export class ProviderMetadata {
  private readonly values = new Map<string, unknown>();

  set(name: string, value: unknown): void {
    this.values.set(name, value);
  }

  /** Adds to a list-valued member without duplicates. */
  add(name: string, ...items: string[]): void {
    const list = (this.values.get(name) as string[] | undefined) ?? [];
    for (const item of items) if (!list.includes(item)) list.push(item);
    this.values.set(name, list);
  }

  get(name: string): unknown {
    return this.values.get(name);
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }
}
