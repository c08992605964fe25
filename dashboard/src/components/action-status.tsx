import type { Action } from '../use-action.ts';

/** The outcome of an action under its form: the gateway's refusal (an alert) or what was done. */
export function ActionStatus({ action }: { action: Action }) {
  if (action.error) return <p role="alert" class="error-text">{action.error}</p>;
  if (action.notice) return <p role="status" class="notice">{action.notice}</p>;
  return null;
}
