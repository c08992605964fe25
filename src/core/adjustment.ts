/** A parameter the gateway changed on the way upstream. Reported to the client, never applied silently. */
export interface Adjustment {
  parameter: string;
  action: 'dropped' | 'renamed' | 'mapped' | 'rewritten';
  reason: string;
}
