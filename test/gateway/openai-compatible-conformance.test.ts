import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { describeProviderConformance } from '../support/provider-conformance.ts';

describeProviderConformance({
  title: 'conformance: OpenAI, xAI, Fireworks and Perplexity models',
  models: BUILTIN_MODELS.filter((model) => ['openai', 'xai', 'fireworks', 'perplexity'].includes(model.provider)),
});
