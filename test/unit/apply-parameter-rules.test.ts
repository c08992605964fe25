import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatalogModel, ModelParameterRules } from '../../src/catalog/catalog-model.ts';
import type { ChatRequest } from '../../src/core/chat-types.ts';
import { applyParameterRules } from '../../src/providers/apply-parameter-rules.ts';

function modelWithRules(parameters: ModelParameterRules): CatalogModel {
  return {
    id: 'test-model',
    provider: 'openai',
    upstreamId: 'test-model-upstream',
    capabilities: { tools: true, vision: false, reasoning: true, jsonSchema: true },
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    pricing: { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0 },
    parameters,
    created: 0,
  };
}

function request(fields: Partial<ChatRequest>): ChatRequest {
  return { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], ...fields };
}

describe('applyParameterRules', () => {
  it('leaves a request untouched and reports nothing when the model has no rules', () => {
    const body = request({ temperature: 0.3, max_tokens: 10, reasoning_effort: 'high' });
    const before = structuredClone(body);
    assert.deepEqual(applyParameterRules(body, modelWithRules({})), []);
    assert.deepEqual(body, before);
  });

  it('renames max_tokens to max_completion_tokens for a model that takes max_completion_tokens, and says so', () => {
    const body = request({ max_tokens: 50 });
    const adjustments = applyParameterRules(body, modelWithRules({ maxTokensField: 'max_completion_tokens' }));
    assert.equal(body.max_completion_tokens, 50);
    assert.equal('max_tokens' in body, false);
    assert.deepEqual(adjustments, [{ parameter: 'max_tokens', action: 'renamed', reason: 'test-model takes max_completion_tokens' }]);
  });

  it('renames max_completion_tokens to max_tokens for a model that takes max_tokens', () => {
    const body = request({ max_completion_tokens: 70 });
    const adjustments = applyParameterRules(body, modelWithRules({ maxTokensField: 'max_tokens' }));
    assert.equal(body.max_tokens, 70);
    assert.equal('max_completion_tokens' in body, false);
    assert.equal(adjustments[0].action, 'renamed');
  });

  it('keeps the field the model takes and drops the other when both are sent', () => {
    const body = request({ max_tokens: 10, max_completion_tokens: 20 });
    const adjustments = applyParameterRules(body, modelWithRules({ maxTokensField: 'max_completion_tokens' }));
    assert.equal(body.max_completion_tokens, 20);
    assert.equal('max_tokens' in body, false);
    assert.deepEqual(adjustments.map((adjustment) => [adjustment.parameter, adjustment.action]), [['max_tokens', 'dropped']]);
  });

  it('drops each unsupported parameter that was sent and reports every one', () => {
    const body = request({ temperature: 0.2, top_p: 0.9 });
    const adjustments = applyParameterRules(body, modelWithRules({ unsupported: ['temperature', 'top_p', 'presence_penalty'] }));
    assert.equal('temperature' in body, false);
    assert.equal('top_p' in body, false);
    assert.deepEqual(
      adjustments.map((adjustment) => [adjustment.parameter, adjustment.action]),
      [
        ['temperature', 'dropped'],
        ['top_p', 'dropped'],
      ],
    );
  });

  it('drops reasoning_effort for a model that takes none', () => {
    const body = request({ reasoning_effort: 'low' });
    const adjustments = applyParameterRules(body, modelWithRules({ reasoningEffort: false }));
    assert.equal('reasoning_effort' in body, false);
    assert.deepEqual(adjustments.map((adjustment) => adjustment.action), ['dropped']);
  });

  it('maps reasoning_effort onto the nearest value the model accepts and reports the mapping', () => {
    const body = request({ reasoning_effort: 'medium' });
    const adjustments = applyParameterRules(body, modelWithRules({ reasoningEffort: { low: 'low', medium: 'high', high: 'high' } }));
    assert.equal(body.reasoning_effort, 'high');
    assert.equal(adjustments.length, 1);
    assert.equal(adjustments[0].action, 'mapped');
    assert.match(adjustments[0].reason, /'medium' sent as 'high'/);
  });

  it('reports nothing when reasoning_effort maps onto itself', () => {
    const body = request({ reasoning_effort: 'high' });
    assert.deepEqual(applyParameterRules(body, modelWithRules({ reasoningEffort: { high: 'high' } })), []);
    assert.equal(body.reasoning_effort, 'high');
  });

  it('drops a reasoning_effort value missing from the model table and names the value', () => {
    const body = request({ reasoning_effort: 'extreme' });
    const adjustments = applyParameterRules(body, modelWithRules({ reasoningEffort: { low: 'low' } }));
    assert.equal('reasoning_effort' in body, false);
    assert.equal(adjustments[0].action, 'dropped');
    assert.match(adjustments[0].reason, /'extreme'/);
  });

  it('does not report a parameter the client did not send', () => {
    const body = request({});
    const rules: ModelParameterRules = { maxTokensField: 'max_completion_tokens', unsupported: ['temperature'], reasoningEffort: false };
    assert.deepEqual(applyParameterRules(body, modelWithRules(rules)), []);
  });
});
