/** One thing wrong with the configuration, named by its setting path (`ttl.accessToken`, `clients[0] (web)`). */
export interface ConfigProblem {
  setting: string;
  message: string;
}

/**
 * A configuration mistake: stops startup with a message that names the setting. When the
 * config was checked as a whole, it carries every problem found, so one run shows them all.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(setting: string, message: string, more: readonly ConfigProblem[] = []) {
    const problems = [{ setting, message }, ...more];
    super(
      problems.length === 1
        ? `config: ${setting}: ${message}`
        : `config: ${problems.length} problems:\n${problems.map((p) => `  ${p.setting}: ${p.message}`).join('\n')}`,
    );
    this.problems = problems;
  }

  /** The first problem's setting. */
  get setting(): string {
    return this.problems[0].setting;
  }

  static of(problems: readonly ConfigProblem[]): ConfigError {
    return new ConfigError(problems[0].setting, problems[0].message, problems.slice(1));
  }
}

/** Collects the problems of a whole config, to report them together. */
export class ConfigProblems {
  readonly list: ConfigProblem[] = [];

  add(setting: string, message: string): void {
    this.list.push({ setting, message });
  }

  /** Throws one ConfigError naming every problem collected, if there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw ConfigError.of(this.list);
  }
}
