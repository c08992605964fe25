import { useState } from 'preact/hooks';
import type { ListOf } from '../api-types.ts';
import { ActionStatus } from '../components/action-status.tsx';
import { SelectField } from '../components/select-field.tsx';
import { useDashboard } from '../dashboard-context.ts';
import { formatTime } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { useAction } from '../use-action.ts';
import { navigate, type HashRoute } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { useOrganizations } from '../use-organizations.ts';

/** A chatbot as the admin API and the tenant's `GET /v1/gateway/chatbots/` write it. */
export interface Chatbot {
  id: string;
  object: 'chatbot';
  organization: string;
  name: string;
  model: string;
  system_prompt: string | null;
  parameters: Record<string, unknown>;
  fallbacks: string[];
  created_at: string;
  updated_at: string;
}

/** The admin API's body for a new chatbot. */
interface ChatbotBody {
  name: string;
  model: string;
  system_prompt?: string;
  parameters?: Record<string, number>;
  fallbacks?: string[];
}

const PROMPT_PREVIEW_LENGTH = 80;

/**
 * Chatbots of one organization: named presets (model, system prompt, parameters, fallbacks), each
 * answering at its own chat completions route. The operator picks the organization, creates and
 * deletes; a tenant sees its own, read-only.
 */
export function ChatbotsPage({ route }: { route: HashRoute }) {
  const { session, api } = useDashboard();
  const operator = session.role === 'operator';
  const organizations = useOrganizations();
  const organization = operator ? route.query.get('organization') ?? organizations.value?.[0]?.name ?? null : session.organization;
  const chatbots = useLoad(async () => (organization ? (await api.get<ListOf<Chatbot>>(scopedPaths(session).chatbots(organization))).data : []), [session, organization]);
  const create = useAction();
  const change = useAction();
  const [confirmingDelete, setConfirmingDelete] = useState<string | null>(null);
  // A new value empties the create form once its chatbot exists.
  const [createGeneration, setCreateGeneration] = useState(0);

  const createChatbot = (body: ChatbotBody) =>
    void create.run(async () => {
      const created = await api.post<Chatbot>(`/admin/v1/organizations/${encodeURIComponent(organization!)}/chatbots`, body);
      setCreateGeneration((generation) => generation + 1);
      chatbots.reload();
      return `Created chatbot ${created.name}: POST /v1/gateway/chatbots/${created.id}/chat/completions`;
    });
  const deleteChatbot = (chatbot: Chatbot) =>
    void change.run(async () => {
      await api.delete(`/admin/v1/chatbots/${encodeURIComponent(chatbot.id)}`);
      setConfirmingDelete(null);
      chatbots.reload();
      return `Deleted chatbot ${chatbot.name}: its route answers 404 from now on.`;
    });

  return (
    <div class="page">
      <header class="page-header">
        <h1>Chatbots</h1>
        {operator ? (
          <SelectField label="Organization" value={organization ?? ''} onChange={(value) => navigate('/chatbots', { organization: value })}>
            {(organizations.value ?? []).map((candidate) => (
              <option key={candidate.id} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <p class="muted">Chatbots of {session.organization}, read-only: an operator creates and deletes them.</p>
        )}
      </header>
      {operator && organization && (
        <section class="panel" aria-labelledby="create-chatbot-heading">
          <h2 id="create-chatbot-heading">Create a chatbot for {organization}</h2>
          <ChatbotForm key={`${organization}/${createGeneration}`} busy={create.busy} onSubmit={createChatbot} />
          <ActionStatus action={create} />
        </section>
      )}
      {operator && organizations.value?.length === 0 && (
        <p class="muted">
          No organization yet: <a href="#/organizations">create one</a> first.
        </p>
      )}
      {chatbots.error && <p role="alert" class="error-text">{chatbots.error}</p>}
      <ActionStatus action={change} />
      <table class="data" aria-label="Chatbots">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Model</th>
            <th scope="col">Fallbacks</th>
            <th scope="col">Parameters</th>
            <th scope="col">System prompt</th>
            <th scope="col">Created</th>
            {operator && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(chatbots.value ?? []).map((chatbot) => (
            <tr key={chatbot.id} data-testid="chatbot-row" data-chatbot-id={chatbot.id} data-name={chatbot.name}>
              <th scope="row">{chatbot.name}</th>
              <td class="mono">{chatbot.id}</td>
              <td data-column="model">{chatbot.model}</td>
              <td data-column="fallbacks">{chatbot.fallbacks.length > 0 ? chatbot.fallbacks.join(', ') : <span class="muted">none</span>}</td>
              <td data-column="parameters">{describeParameters(chatbot.parameters)}</td>
              <td data-column="system_prompt" title={chatbot.system_prompt ?? undefined}>
                {chatbot.system_prompt === null ? <span class="muted">none</span> : preview(chatbot.system_prompt)}
              </td>
              <td>{formatTime(chatbot.created_at)}</td>
              {operator && (
                <td>
                  <div class="actions">
                    {confirmingDelete === chatbot.id ? (
                      <>
                        <button type="button" class="danger small" onClick={() => deleteChatbot(chatbot)} disabled={change.busy}>
                          Confirm delete
                        </button>
                        <button type="button" class="secondary small" onClick={() => setConfirmingDelete(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button type="button" class="danger small" onClick={() => setConfirmingDelete(chatbot.id)} aria-label={`Delete chatbot ${chatbot.name}`}>
                        Delete
                      </button>
                    )}
                  </div>
                </td>
              )}
            </tr>
          ))}
          {chatbots.value?.length === 0 && (
            <tr>
              <td colSpan={operator ? 8 : 7} class="empty">
                No chatbots yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A new chatbot's name, model, system prompt, temperature, output limit and fallbacks; only what
 * was filled in is sent, and the gateway checks it (the model and fallbacks against its catalog).
 */
function ChatbotForm({ busy, onSubmit }: { busy: boolean; onSubmit: (body: ChatbotBody) => void }) {
  const [values, setValues] = useState({ name: '', model: '', system_prompt: '', temperature: '', max_tokens: '', fallbacks: '' });
  const set = (field: keyof typeof values) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    setValues((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const parameters: Record<string, number> = {};
    if (values.temperature.trim()) parameters.temperature = Number(values.temperature);
    if (values.max_tokens.trim()) parameters.max_tokens = Number(values.max_tokens);
    const fallbacks = values.fallbacks.split(/[\s,]+/).filter(Boolean);
    onSubmit({
      name: values.name.trim(),
      model: values.model.trim(),
      ...(values.system_prompt.trim() && { system_prompt: values.system_prompt }),
      ...(Object.keys(parameters).length > 0 && { parameters }),
      ...(fallbacks.length > 0 && { fallbacks }),
    });
  };
  return (
    <form aria-label="Create chatbot" onSubmit={submit} class="key-form">
      <label>
        Name
        <input value={values.name} onInput={set('name')} required maxLength={100} placeholder="support-bot" autocomplete="off" />
      </label>
      <label>
        Model
        <input value={values.model} onInput={set('model')} required placeholder="gpt-5-mini" autocomplete="off" />
      </label>
      <label>
        Temperature
        <input type="number" min={0} max={2} step="any" value={values.temperature} onInput={set('temperature')} placeholder="the model's default" />
      </label>
      <label>
        Max tokens
        <input type="number" min={1} step={1} value={values.max_tokens} onInput={set('max_tokens')} placeholder="the model's default" />
      </label>
      <label class="wide">
        Fallbacks
        <input value={values.fallbacks} onInput={set('fallbacks')} placeholder="none (or: grok-4, gemini-2.5-flash)" autocomplete="off" />
      </label>
      <label class="full">
        System prompt
        <textarea value={values.system_prompt} onInput={set('system_prompt')} rows={4} maxLength={32000} placeholder="none" />
      </label>
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          Create chatbot
        </button>
      </div>
    </form>
  );
}

function describeParameters(parameters: Record<string, unknown>): string {
  const entries = Object.entries(parameters);
  return entries.length > 0 ? entries.map(([name, value]) => `${name} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join(' · ') : 'none';
}

function preview(text: string): string {
  return text.length > PROMPT_PREVIEW_LENGTH ? `${text.slice(0, PROMPT_PREVIEW_LENGTH)}…` : text;
}
