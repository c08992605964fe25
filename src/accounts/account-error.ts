export type AccountErrorKind = 'invalid' | 'not_found' | 'conflict';

/**
 * A refusal of the account service, worded for people: the CLI prints the message, the admin API
 * answers it with the status its kind calls for (422, 404, 409).
 */
export class AccountError extends Error {
  readonly kind: AccountErrorKind;
  /** The admin API's name of the input at fault (`expires_at`, `limits.requests_per_minute`), when there is one. */
  readonly field?: string;

  constructor(kind: AccountErrorKind, message: string, field?: string) {
    super(message);
    this.name = 'AccountError';
    this.kind = kind;
    this.field = field;
  }
}
