/** A configuration mistake: stops startup with a message that names the setting (STYLE.md §4). */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`config: ${setting}: ${message}`);
  }
}
