import { InvalidArgumentError, type Command, type Option } from 'commander';
import type { Chatbot } from '../store/store.ts';
import { withAccountServices } from './with-account-services.ts';

interface CreateOptions {
  org: string;
  name: string;
  model: string;
  system?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  reasoningEffort?: string;
  fallbacks?: string[];
  config?: string;
}

/** `switchyard chatbots create|list|delete`: an organization's named presets, served at /v1/gateway/chatbots/{id}/chat/completions. */
export function registerChatbotCommands(program: Command, configOption: Option): void {
  const chatbots = program.command('chatbots').description("manage chatbots: an organization's presets (model, system prompt, parameters, fallbacks), each served at /v1/gateway/chatbots/{id}/chat/completions");
  chatbots
    .command('create')
    .description('create a chatbot; its id (cb_…) is printed alone on the last line')
    .requiredOption('--org <name>', 'organization the chatbot belongs to')
    .requiredOption('--name <name>', 'a name, unique within the organization (1-100 characters)')
    .requiredOption('--model <id>', 'the model it calls (a catalog id)')
    .option('--system <text>', 'system prompt, put before every conversation')
    .option('--temperature <number>', 'sampling temperature, 0 to 2', parseNumberOption)
    .option('--top-p <number>', 'nucleus sampling, 0 to 1', parseNumberOption)
    .option('--max-tokens <n>', 'most tokens an answer may have', parseNumberOption)
    .option('--reasoning-effort <level>', 'none, minimal, low, medium, high or xhigh')
    .option('--fallbacks <ids>', "models tried in order when the model's provider fails, separated by commas", parseFallbacksOption)
    .addOption(configOption)
    .action((options: CreateOptions) =>
      withAccountServices(options, async (services) => {
        const parameters = { temperature: options.temperature, top_p: options.topP, max_tokens: options.maxTokens, reasoning_effort: options.reasoningEffort };
        const chatbot = await services.chatbots.create(options.org, {
          name: options.name,
          model: options.model,
          systemPrompt: options.system,
          parameters: Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined)),
          fallbacks: options.fallbacks,
        });
        console.log(`Created chatbot '${chatbot.name}' for organization '${options.org}'.`);
        console.log(describeChatbot(chatbot));
        console.log(chatbot.id);
      }),
    );
  chatbots
    .command('list')
    .description('list chatbots: id, organization, name, model, fallbacks, parameters')
    .option('--org <name>', 'only this organization')
    .addOption(configOption)
    .action((options: { org?: string; config?: string }) =>
      withAccountServices(options, async (services) => {
        const names = new Map((await services.accounts.listOrganizations()).map((organization) => [organization.id, organization.name]));
        for (const chatbot of await services.chatbots.list(options.org)) {
          console.log([chatbot.id, names.get(chatbot.organizationId) ?? chatbot.organizationId, chatbot.name, chatbot.model, chatbot.fallbacks.join(',') || '-', JSON.stringify(chatbot.parameters)].join('\t'));
        }
      }),
    );
  chatbots
    .command('delete <id>')
    .description('delete a chatbot by its id (cb_…); its route answers 404 from then on (a running server within two seconds)')
    .addOption(configOption)
    .action((id: string, options: { config?: string }) =>
      withAccountServices(options, async (services) => {
        const chatbot = await services.chatbots.delete(id);
        console.log(`Deleted chatbot ${chatbot.id} ('${chatbot.name}')`);
      }),
    );
}

/** `--temperature 0.7`: a plain decimal number (the service checks its range). */
function parseNumberOption(value: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('Expected a number.');
  return Number(value);
}

/** `--fallbacks grok-4,gemini-2.5-flash`. */
function parseFallbacksOption(value: string): string[] {
  const models = value.split(',').map((model) => model.trim()).filter((model) => model !== '');
  if (models.length === 0) throw new InvalidArgumentError('Expected model ids separated by commas.');
  return models;
}

function describeChatbot(chatbot: Chatbot): string {
  return [
    `Model: ${chatbot.model}`,
    `Fallbacks: ${chatbot.fallbacks.length > 0 ? chatbot.fallbacks.join(', ') : 'none'}`,
    `System prompt: ${chatbot.systemPrompt === null ? '(none)' : `${chatbot.systemPrompt.length} characters`}`,
    `Parameters: ${Object.keys(chatbot.parameters).length > 0 ? JSON.stringify(chatbot.parameters) : 'none'}`,
    `Route: POST /v1/gateway/chatbots/${chatbot.id}/chat/completions`,
  ].join('\n');
}
