import type { ModelCatalog } from '../catalog/model-catalog.ts';
import type { Chatbot, ChatbotChanges, Store } from '../store/store.ts';
import { AccountError } from './account-error.ts';
import type { AccountService } from './account-service.ts';
import { generateId } from './api-key-secret.ts';
import { ChatbotCache } from './chatbot-cache.ts';
import { checkChatbotParameters, mergeChatbotParameters } from './check-chatbot-parameters.ts';

/** What an operator sets on a new chatbot. */
export interface ChatbotSettings {
  name: string;
  model: string;
  systemPrompt?: string | null;
  /** Chat request parameters under their OpenAI names (`temperature`, `max_tokens`, …). */
  parameters?: Record<string, unknown>;
  /** Models tried in order after `model` when its provider fails. */
  fallbacks?: string[] | null;
}

/** A change to a chatbot: absent fields stay; parameters are merged field by field (null removes one); null clears the prompt or the fallbacks. */
export interface ChatbotUpdate {
  name?: string;
  model?: string;
  systemPrompt?: string | null;
  parameters?: Record<string, unknown>;
  fallbacks?: string[] | null;
}

const MAX_NAME_LENGTH = 100;
/** A chatbot's system prompt, at most: presets are kept in memory on every instance (chatbot-cache.ts). */
export const MAX_SYSTEM_PROMPT_LENGTH = 32_000;
/** The pipeline tries at most 10 models per request (`models`): the chatbot's own and 9 fallbacks. */
export const MAX_CHATBOT_FALLBACKS = 9;

/**
 * Chatbots: an organization's named presets, behind the CLI, the admin API and the chatbot route.
 * Every refusal is an AccountError worded for people, as the account service's are. Changes are
 * applied to this process's cache before a method returns, so the next request sees them.
 */
export class ChatbotService {
  private readonly cache: ChatbotCache;

  constructor(
    private readonly store: Store,
    private readonly accounts: AccountService,
    private readonly catalog: ModelCatalog,
  ) {
    this.cache = new ChatbotCache((id) => store.findChatbot(id));
  }

  async create(organizationName: string, settings: ChatbotSettings): Promise<Chatbot> {
    const organization = await this.accounts.requireOrganization(organizationName);
    const name = checkName(settings.name);
    const model = this.checkModel(settings.model, 'model');
    const now = new Date().toISOString();
    const chatbot: Chatbot = {
      id: generateId('cb'),
      organizationId: organization.id,
      name,
      model,
      systemPrompt: checkSystemPrompt(settings.systemPrompt),
      parameters: checkChatbotParameters(settings.parameters ?? {}),
      fallbacks: this.checkFallbacks(settings.fallbacks, model),
      createdAt: now,
      updatedAt: now,
    };
    await this.refuseTakenName(organization.id, name);
    try {
      await this.store.createChatbot(chatbot);
    } catch (error) {
      // Another create took the name in between: the unique index refused this one.
      await this.refuseTakenName(organization.id, name);
      throw error;
    }
    this.cache.set(chatbot);
    return chatbot;
  }

  /** Every chatbot, or the named organization's, in creation order. */
  async list(organizationName?: string): Promise<Chatbot[]> {
    const organization = organizationName ? await this.accounts.requireOrganization(organizationName) : undefined;
    return this.store.listChatbots(organization?.id);
  }

  /** An organization's chatbots, by its id (a tenant's own list). */
  listOfOrganization(organizationId: string): Promise<Chatbot[]> {
    return this.store.listChatbots(organizationId);
  }

  async require(id: string): Promise<Chatbot> {
    const chatbot = await this.store.findChatbot(id);
    if (!chatbot) throw notFound(id);
    return chatbot;
  }

  async update(id: string, update: ChatbotUpdate): Promise<Chatbot> {
    const current = await this.require(id);
    const changes: ChatbotChanges = {};
    if (update.name !== undefined) {
      changes.name = checkName(update.name);
      if (changes.name !== current.name) await this.refuseTakenName(current.organizationId, changes.name);
    }
    if (update.model !== undefined) changes.model = this.checkModel(update.model, 'model');
    if (update.systemPrompt !== undefined) changes.systemPrompt = checkSystemPrompt(update.systemPrompt);
    if (update.parameters !== undefined) changes.parameters = mergeChatbotParameters(current.parameters, update.parameters);
    // A new model is checked against the fallbacks it keeps, and new fallbacks against the model.
    if (update.fallbacks !== undefined || changes.model !== undefined) changes.fallbacks = this.checkFallbacks(update.fallbacks === undefined ? current.fallbacks : update.fallbacks, changes.model ?? current.model);
    changes.updatedAt = new Date().toISOString();
    const chatbot = await this.store.updateChatbot(id, changes);
    if (!chatbot) throw notFound(id);
    this.cache.set(chatbot);
    return chatbot;
  }

  async delete(id: string): Promise<Chatbot> {
    const chatbot = await this.store.deleteChatbot(id);
    if (!chatbot) throw notFound(id);
    this.cache.forget(id);
    return chatbot;
  }

  /**
   * The chatbot a request names, when it is the caller's organization's; undefined otherwise (no
   * such chatbot, deleted, or another organization's: the caller cannot tell which). From memory
   * while fresh (chatbot-cache.ts).
   */
  async findForOrganization(id: string, organizationId: string): Promise<Chatbot | undefined> {
    const chatbot = await this.cache.get(id);
    return chatbot?.organizationId === organizationId ? chatbot : undefined;
  }

  private async refuseTakenName(organizationId: string, name: string): Promise<void> {
    const taken = (await this.store.listChatbots(organizationId)).some((chatbot) => chatbot.name === name);
    if (taken) throw new AccountError('conflict', `The organization already has a chatbot named '${name}'`, 'name');
  }

  /** A chat model of the catalog, by its catalog id (a provider-prefixed id is stored as the model it finds). */
  private checkModel(id: string, field: string): string {
    const trimmed = typeof id === 'string' ? id.trim() : '';
    const model = trimmed ? this.catalog.find(trimmed) : undefined;
    if (!model) throw new AccountError('invalid', `Model '${id}' is not in the catalog`, field);
    if (model.kind !== undefined && model.kind !== 'chat') throw new AccountError('invalid', `Model '${id}' is not a chat model`, field);
    return model.id;
  }

  private checkFallbacks(fallbacks: string[] | null | undefined, model: string): string[] {
    if (!fallbacks) return [];
    if (fallbacks.length > MAX_CHATBOT_FALLBACKS) throw new AccountError('invalid', `A chatbot has at most ${MAX_CHATBOT_FALLBACKS} fallback models`, 'fallbacks');
    const checked = fallbacks.map((fallback) => this.checkModel(fallback, 'fallbacks'));
    if (checked.includes(model)) throw new AccountError('invalid', `Fallbacks must not name the chatbot's own model '${model}'`, 'fallbacks');
    if (new Set(checked).size !== checked.length) throw new AccountError('invalid', 'Fallbacks must not name a model twice', 'fallbacks');
    return checked;
  }
}

function notFound(id: string): AccountError {
  return new AccountError('not_found', `Chatbot '${id}' not found`);
}

function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length < 1 || trimmed.length > MAX_NAME_LENGTH) throw new AccountError('invalid', `A chatbot name must be 1 to ${MAX_NAME_LENGTH} characters`, 'name');
  return trimmed;
}

function checkSystemPrompt(prompt: string | null | undefined): string | null {
  if (prompt === undefined || prompt === null || prompt.trim() === '') return null;
  if (prompt.length > MAX_SYSTEM_PROMPT_LENGTH) throw new AccountError('invalid', `A system prompt must be at most ${MAX_SYSTEM_PROMPT_LENGTH} characters`, 'system_prompt');
  return prompt;
}
