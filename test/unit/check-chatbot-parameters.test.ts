import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountError } from '../../src/accounts/account-error.ts';
import { checkChatbotParameters, mergeChatbotParameters } from '../../src/accounts/check-chatbot-parameters.ts';

/** The field an AccountError names, or a failure when the call did not refuse. */
function refusedField(parameters: unknown): string | undefined {
  try {
    checkChatbotParameters(parameters);
  } catch (error) {
    assert.ok(error instanceof AccountError);
    assert.equal(error.kind, 'invalid');
    return error.field;
  }
  assert.fail(`accepted ${JSON.stringify(parameters)}`);
}

describe('checkChatbotParameters', () => {
  it('keeps every parameter a chatbot sets, in range, and drops nulls', () => {
    const parameters = {
      temperature: 0,
      top_p: 1,
      max_tokens: 1,
      presence_penalty: -2,
      frequency_penalty: 2,
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      stop: 'END',
      seed: 42,
    };
    assert.deepEqual(checkChatbotParameters(parameters), parameters);
    assert.deepEqual(checkChatbotParameters({ temperature: null, max_completion_tokens: 50 }), { max_completion_tokens: 50 });
  });

  it('refuses, naming the field: out of range, wrong type, unknown names, both output limits', () => {
    assert.equal(refusedField({ temperature: 2.1 }), 'parameters.temperature');
    assert.equal(refusedField({ temperature: '0.5' }), 'parameters.temperature');
    assert.equal(refusedField({ top_p: -0.1 }), 'parameters.top_p');
    assert.equal(refusedField({ max_tokens: 0 }), 'parameters.max_tokens');
    assert.equal(refusedField({ max_tokens: 1.5 }), 'parameters.max_tokens');
    assert.equal(refusedField({ reasoning_effort: 'extreme' }), 'parameters.reasoning_effort');
    assert.equal(refusedField({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'parameters.stop');
    assert.equal(refusedField({ stop: '' }), 'parameters.stop');
    assert.equal(refusedField({ seed: 1.5 }), 'parameters.seed');
    assert.equal(refusedField({ response_format: { type: 'xml' } }), 'parameters.response_format');
    assert.equal(refusedField({ response_format: { type: 'json_schema' } }), 'parameters.response_format.json_schema');
    assert.equal(refusedField({ response_format: { type: 'json_schema', json_schema: { name: 'bad name' } } }), 'parameters.response_format.json_schema.name');
    assert.equal(refusedField({ response_format: { type: 'text', extra: 1 } }), 'parameters.response_format.extra');
    assert.equal(refusedField({ tools: [] }), 'parameters.tools');
    assert.equal(refusedField({ max_tokens: 10, max_completion_tokens: 10 }), 'parameters.max_completion_tokens');
    assert.equal(refusedField([1]), 'parameters');
  });

  it('merges a change field by field: a value sets, null removes, one output limit replaces the other', () => {
    assert.deepEqual(mergeChatbotParameters({ temperature: 0.2, max_tokens: 100 }, { temperature: null, top_p: 0.5 }), { max_tokens: 100, top_p: 0.5 });
    assert.deepEqual(mergeChatbotParameters({ max_tokens: 100 }, { max_completion_tokens: 200 }), { max_completion_tokens: 200 });
    assert.throws(() => mergeChatbotParameters({}, { temperature: 9 }), AccountError);
  });
});
