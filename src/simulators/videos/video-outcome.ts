/** A prompt containing this ends its simulated render in failure: OpenAI's job `failed`, Veo's operation `error`. */
export const VIDEO_FAIL_MARKER = '[fail]';
/** A prompt containing this ends a Veo operation done with its sample removed by the safety filter (`raiMediaFilteredCount`); on OpenAI it fails as `[fail]` does. */
export const VIDEO_FILTER_MARKER = '[filtered]';

/** How a simulated render ends, decided when it is created so polling is repeatable. */
export type VideoOutcome = 'completed' | 'failed' | 'filtered';

/** The outcome a prompt asks for through the markers above (tests script failures without faults at poll time). */
export function videoOutcome(prompt: string): VideoOutcome {
  if (prompt.includes(VIDEO_FILTER_MARKER)) return 'filtered';
  if (prompt.includes(VIDEO_FAIL_MARKER)) return 'failed';
  return 'completed';
}
