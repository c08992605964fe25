import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import type { ChatRequest } from '../core/chat-types.ts';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';

/** Resolves a client's model to a catalog entry and the adapter that serves it, and checks the request fits the model. */
export class ChatService {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly adapters: Map<string, ProviderAdapter>,
  ) {}

  /** The model and its adapter; 404 when the model is unknown or its provider is off. */
  resolve(modelId: string): { model: CatalogModel; adapter: ProviderAdapter } {
    const model = this.catalog.find(modelId);
    if (!model) throw GATEWAY_ERRORS.modelNotFound(modelId);
    const adapter = this.adapters.get(model.provider);
    if (!adapter) throw GATEWAY_ERRORS.providerNotConfigured(modelId, model.provider);
    return { model, adapter };
  }

  /** Models whose provider is on, in catalog order. */
  availableModels(): CatalogModel[] {
    return this.catalog.all().filter((model) => this.adapters.has(model.provider));
  }

  /** Refuses, before any provider is called, what the model cannot do at all. */
  checkCapabilities(model: CatalogModel, request: ChatRequest): void {
    if (!model.capabilities.tools && Array.isArray(request.tools) && request.tools.length > 0) {
      throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'tools', 'tools');
    }
    if (!model.capabilities.jsonSchema && request.response_format?.type === 'json_schema') {
      throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'JSON schema output', 'response_format');
    }
    if (!model.capabilities.vision && request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'))) {
      throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'image input', 'messages');
    }
  }
}
