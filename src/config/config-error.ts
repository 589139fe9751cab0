/** A configuration problem that must stop start-up; its message names the setting or entry, never a secret value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
