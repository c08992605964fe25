import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnthropicStopReason } from '../../../src/providers/anthropic/anthropic-api.ts';
import { mapAnthropicStopReason } from '../../../src/providers/anthropic/map-anthropic-stop-reason.ts';

test('each Anthropic stop_reason maps to the OpenAI finish_reason of the same meaning', () => {
  const table: [AnthropicStopReason | null, string][] = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ];
  for (const [stopReason, finishReason] of table) assert.equal(mapAnthropicStopReason(stopReason), finishReason, String(stopReason));
  assert.equal(mapAnthropicStopReason('a_reason_added_later' as AnthropicStopReason), 'stop');
});
