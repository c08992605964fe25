import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { ChatRequest } from '../core/chat-types.ts';
import type { Adjustment } from '../core/adjustment.ts';

/**
 * Applies a model's parameter rules from the catalog to an upstream request body (mutated in
 * place) and says what it changed: the output-token limit under the field the model takes,
 * parameters the model rejects dropped, reasoning_effort mapped onto the values it accepts.
 */
export function applyParameterRules(body: ChatRequest, model: CatalogModel): Adjustment[] {
  const adjustments: Adjustment[] = [];
  const rules = model.parameters;

  if (rules.maxTokensField) {
    const other = rules.maxTokensField === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
    if (body[other] !== undefined && body[other] !== null) {
      if (body[rules.maxTokensField] === undefined || body[rules.maxTokensField] === null) {
        body[rules.maxTokensField] = body[other];
        adjustments.push({ parameter: other, action: 'renamed', reason: `${model.id} takes ${rules.maxTokensField}` });
      } else {
        adjustments.push({ parameter: other, action: 'dropped', reason: `${model.id} takes ${rules.maxTokensField}, which was also sent` });
      }
      delete body[other];
    }
  }

  for (const parameter of rules.unsupported ?? []) {
    if (body[parameter] === undefined || body[parameter] === null) continue;
    delete body[parameter];
    adjustments.push({ parameter, action: 'dropped', reason: `${model.id} does not support it` });
  }

  const reasoning = typeof body.reasoning_effort === 'string' && body.reasoning_effort !== 'none';
  for (const parameter of reasoning ? (rules.unsupportedWhileReasoning ?? []) : []) {
    if (body[parameter] === undefined || body[parameter] === null) continue;
    delete body[parameter];
    adjustments.push({ parameter, action: 'dropped', reason: `${model.id} does not support it while reasoning_effort is '${body.reasoning_effort}'` });
  }

  const effort = body.reasoning_effort;
  if (typeof effort === 'string' && rules.reasoningEffort !== undefined) {
    if (rules.reasoningEffort === false) {
      delete body.reasoning_effort;
      adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `${model.id} does not support it` });
    } else {
      const mapped = rules.reasoningEffort[effort];
      if (mapped === undefined) {
        delete body.reasoning_effort;
        adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `${model.id} does not support '${effort}'` });
      } else if (mapped !== effort) {
        body.reasoning_effort = mapped;
        adjustments.push({ parameter: 'reasoning_effort', action: 'mapped', reason: `'${effort}' sent as '${mapped}', the nearest value ${model.id} accepts` });
      }
    }
  }
  return adjustments;
}
