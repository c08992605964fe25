/** A configuration problem, naming the setting at fault so `serve` can fail at start with a clear message. */
export class ConfigError extends Error {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`Invalid configuration: ${field} ${problem}`);
    this.name = 'ConfigError';
    this.field = field;
  }
}
