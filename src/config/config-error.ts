/** A configuration mistake: stops startup with a message that names the setting. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`config: ${setting}: ${message}`);
  }
}
