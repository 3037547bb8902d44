/** A mistake in how the command was called (flags, config file): reported in one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
