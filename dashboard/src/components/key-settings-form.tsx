import { useState } from 'preact/hooks';
import type { ApiKey } from '../api-types.ts';
import { fromLocalInput, toLocalInput } from '../format.ts';

/** The admin API's key settings body (POST /organizations/:name/keys, PATCH /keys/:id). */
export interface KeySettingsBody {
  name?: string | null;
  expires_at?: string | null;
  allowed_models?: string[] | null;
  limits?: Record<string, number | string | null>;
}

interface KeySettingsFormProps {
  /** The form's accessible name ("Create key", "Edit key …"). */
  label: string;
  /** The key being edited; none when creating one. */
  initial?: ApiKey;
  submitLabel: string;
  busy: boolean;
  onSubmit: (body: KeySettingsBody) => void;
  onCancel?: () => void;
}

const RATE_FIELDS = [
  ['requests_per_minute', 'Requests per minute'],
  ['tokens_per_minute', 'Tokens per minute'],
  ['concurrent_requests', 'Concurrent requests'],
] as const;
const BUDGET_FIELDS = [
  ['lifetime_budget', 'Lifetime budget (credits)'],
  ['monthly_budget', 'Monthly budget (credits)'],
] as const;

type FieldName = 'name' | 'allowed_models' | 'expires_at' | (typeof RATE_FIELDS)[number][0] | (typeof BUDGET_FIELDS)[number][0];

/**
 * A key's name, allowed models, limits, budgets and expiry. Creating sends only what was filled
 * in; editing sends every field, an empty one as null (no limit, every model), so clearing a
 * field removes the setting. Budgets stay decimal text: the gateway reads them digit by digit.
 */
export function KeySettingsForm({ label, initial, submitLabel, busy, onSubmit, onCancel }: KeySettingsFormProps) {
  const [values, setValues] = useState<Record<FieldName, string>>(() => ({
    name: initial?.name ?? '',
    allowed_models: initial?.allowed_models?.join(', ') ?? '',
    expires_at: toLocalInput(initial?.expires_at),
    requests_per_minute: String(initial?.limits.requests_per_minute ?? ''),
    tokens_per_minute: String(initial?.limits.tokens_per_minute ?? ''),
    concurrent_requests: String(initial?.limits.concurrent_requests ?? ''),
    lifetime_budget: initial?.limits.lifetime_budget ?? '',
    monthly_budget: initial?.limits.monthly_budget ?? '',
  }));
  const set = (field: FieldName) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setValues((current) => ({ ...current, [field]: value }));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const editing = initial !== undefined;
    const models = values.allowed_models.split(/[\s,]+/).filter(Boolean);
    const limits: Record<string, number | string | null> = {};
    for (const [field] of RATE_FIELDS) {
      const text = values[field].trim();
      if (text || editing) limits[field] = text ? Number(text) : null;
    }
    for (const [field] of BUDGET_FIELDS) {
      const text = values[field].trim();
      if (text || editing) limits[field] = text || null;
    }
    const body: KeySettingsBody = {};
    if (values.name.trim() || editing) body.name = values.name.trim() || null;
    if (models.length > 0 || editing) body.allowed_models = models.length > 0 ? models : null;
    if (values.expires_at || editing) body.expires_at = fromLocalInput(values.expires_at) ?? null;
    if (Object.keys(limits).length > 0) body.limits = limits;
    onSubmit(body);
  };

  return (
    <form aria-label={label} onSubmit={submit} class="key-form">
      <label>
        Name
        <input value={values.name} onInput={set('name')} maxLength={100} placeholder="backend" autocomplete="off" />
      </label>
      <label class="wide">
        Allowed models
        <input value={values.allowed_models} onInput={set('allowed_models')} placeholder="every model (or: gpt-5-mini, grok-4)" autocomplete="off" />
      </label>
      {RATE_FIELDS.map(([field, text]) => (
        <label key={field}>
          {text}
          <input type="number" min={1} step={1} value={values[field]} onInput={set(field)} placeholder="no limit" />
        </label>
      ))}
      {BUDGET_FIELDS.map(([field, text]) => (
        <label key={field}>
          {text}
          <input value={values[field]} onInput={set(field)} inputMode="decimal" pattern="[0-9]+(\.[0-9]{1,6})?" placeholder="no budget" />
        </label>
      ))}
      <label>
        Expires at
        <input type="datetime-local" value={values.expires_at} onInput={set('expires_at')} />
      </label>
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
