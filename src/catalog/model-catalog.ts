import { ConfigError } from '../core/config-error.ts';
import type { ModelEntry } from './parse-model-entries.ts';
import type { CatalogModel } from './catalog-model.ts';

const NEW_MODEL_DEFAULTS = {
  capabilities: { tools: true, vision: false, reasoning: false, jsonSchema: false },
  contextWindow: 128_000,
  maxOutputTokens: 4_096,
  pricing: { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0 },
  parameters: {},
  created: 1_735_689_600,
};

/** Anthropic's dated snapshot ids: the alias, then the date. @see https://docs.anthropic.com/en/docs/about-claude/models/overview */
const CLAUDE_SNAPSHOT = /^((?:[a-z]+\/)?claude-[a-z0-9-]+?)-(20\d{6})$/;

/** Where Fireworks keeps its own models' ids: `fireworks/<name>` means `accounts/fireworks/models/<name>`. */
const FIREWORKS_MODEL_PATH = 'accounts/fireworks/models/';

/** The effective model catalog: built-in entries with the YAML file's additions, overrides, aliases and removals applied. */
export class ModelCatalog {
  private readonly models = new Map<string, CatalogModel>();

  constructor(builtin: CatalogModel[], entries: ModelEntry[] = []) {
    for (const model of builtin) this.models.set(model.id, model);
    entries.forEach((entry, index) => this.apply(entry, `models[${index}]`));
    entries.forEach((entry, index) => {
      for (const fallback of entry.kind === 'define' ? (entry.fields.fallbacks ?? []) : []) {
        if (!this.find(fallback)) throw new ConfigError(`models[${index}].fallbacks`, `names no known model ('${fallback}')`);
      }
    });
  }

  /**
   * The model a client named, or undefined. A literal catalog id wins (`google/gemma-3-27b-it` is a
   * seed id); otherwise a provider prefix routes explicitly: `openai/gpt-5-mini` is `gpt-5-mini` if
   * OpenAI serves it, `fireworks/gpt-oss-120b` is `accounts/fireworks/models/gpt-oss-120b`. A
   * prefix naming another provider than the model's finds nothing. A dated Claude snapshot id
   * finds its alias's model, sent upstream with the date.
   */
  find(id: string): CatalogModel | undefined {
    const found = this.findListed(id);
    if (found) return found;
    // A dated Claude snapshot (`claude-sonnet-4-5-20250929`, LangChain's default) is its alias's model, sent upstream as dated.
    const dated = CLAUDE_SNAPSHOT.exec(id);
    const alias = dated ? this.findListed(dated[1]!) : undefined;
    if (!alias || alias.provider !== 'anthropic' || alias.aliasOf) return undefined;
    return { ...alias, id, upstreamId: `${alias.upstreamId}-${dated![2]}` };
  }

  private findListed(id: string): CatalogModel | undefined {
    const literal = this.models.get(id);
    if (literal) return literal;
    const slash = id.indexOf('/');
    if (slash <= 0) return undefined;
    const provider = id.slice(0, slash);
    const rest = id.slice(slash + 1);
    const candidates = provider === 'fireworks' && !rest.startsWith('accounts/') ? [`${FIREWORKS_MODEL_PATH}${rest}`, rest] : [rest];
    for (const candidate of candidates) {
      const model = this.models.get(candidate);
      if (model && model.provider === provider) return model;
    }
    return undefined;
  }

  /** Every model, in catalog order. */
  all(): CatalogModel[] {
    return [...this.models.values()];
  }

  private apply(entry: ModelEntry, field: string): void {
    switch (entry.kind) {
      case 'disable':
        if (!this.models.delete(entry.id)) throw new ConfigError(`${field}.id`, `names no model to disable ('${entry.id}')`);
        return;
      case 'alias': {
        const target = this.models.get(entry.aliasOf);
        if (!target) throw new ConfigError(`${field}.aliasOf`, `names no known model ('${entry.aliasOf}')`);
        this.models.set(entry.id, { ...target, id: entry.id, aliasOf: target.aliasOf ?? target.id });
        return;
      }
      case 'define': {
        const existing = this.models.get(entry.id);
        if (existing) {
          this.models.set(entry.id, {
            ...existing,
            ...entry.fields,
            // A partial override changes only what it names.
            capabilities: { ...existing.capabilities, ...entry.fields.capabilities },
            parameters: { ...existing.parameters, ...entry.fields.parameters },
          });
          return;
        }
        if (!entry.fields.provider) throw new ConfigError(`${field}.provider`, `is required for a new model ('${entry.id}')`);
        this.models.set(entry.id, {
          ...NEW_MODEL_DEFAULTS,
          ...entry.fields,
          capabilities: { ...NEW_MODEL_DEFAULTS.capabilities, ...entry.fields.capabilities },
          id: entry.id,
          provider: entry.fields.provider,
          upstreamId: entry.fields.upstreamId ?? entry.id,
        });
        return;
      }
      default: {
        const unreachable: never = entry;
        throw new Error(`unknown model entry ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
