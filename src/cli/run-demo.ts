import pino from 'pino';
import { ConfigError } from '../core/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../providers/provider-descriptors.ts';
import { startGateway } from '../server/start-gateway.ts';
import { SECRET_SAFE_LOG_OPTIONS } from '../core/secret-safe-log-options.ts';
import { startSimulators } from '../simulators/start-simulators.ts';
import { closeOnSignals, describeProviders } from './run-serve.ts';

const DEMO_ORGANIZATION = 'demo';
/** 100 credits, in micro-credits. */
const DEMO_CREDITS = 100_000_000;

/**
 * `switchyard demo`: the simulators on a free port, a gateway whose providers all point at them,
 * a demo organization and a fresh key, and examples ready to paste.
 */
export async function runDemo(options: { config?: string; port?: string; simulatorPort?: string }): Promise<void> {
  const simulators = await startSimulators({ port: options.simulatorPort === undefined ? 0 : parsePort(options.simulatorPort, '--simulator-port') });
  const simulatedProviders = {
    OPENAI_API_KEY: 'sim-openai-key',
    OPENAI_BASE_URL: simulators.baseUrls.openai,
    XAI_API_KEY: 'sim-xai-key',
    XAI_BASE_URL: simulators.baseUrls.xai,
    FIREWORKS_API_KEY: 'sim-fireworks-key',
    FIREWORKS_BASE_URL: simulators.baseUrls.fireworks,
    PERPLEXITY_API_KEY: 'sim-perplexity-key',
    PERPLEXITY_BASE_URL: simulators.baseUrls.perplexity,
    ANTHROPIC_API_KEY: 'sim-anthropic-key',
    ANTHROPIC_BASE_URL: simulators.baseUrls.anthropic,
    // Gemini keys look like "AIza…"; the simulator refuses others, as the API does.
    GEMINI_API_KEY: 'AIza-simulated-gemini-key',
    GEMINI_BASE_URL: simulators.baseUrls.google,
  };
  const port = options.port === undefined ? {} : { PORT: String(parsePort(options.port, '--port')) };
  const config = loadConfig({ environment: { ...process.env, ...simulatedProviders, ...port }, configFile: options.config, providers: PROVIDER_DESCRIPTORS });
  // The banner is the demo's output (stdout); its logs go to stderr, where they do not bury it.
  const gateway = await startGateway(config, { logger: pino({ level: config.logLevel, ...SECRET_SAFE_LOG_OPTIONS }, pino.destination({ dest: 2, sync: false })) });
  describeProviders(gateway);
  closeOnSignals(gateway, () => simulators.close());

  const { accounts, credits } = gateway.switchyard;
  const organizations = await accounts.listOrganizations();
  const organization = organizations.find((candidate) => candidate.name === DEMO_ORGANIZATION) ?? (await accounts.createOrganization(DEMO_ORGANIZATION));
  // A new organization starts with no credit; the demo's gets some, so its examples answer.
  if ((await credits.balance(organization.id)) <= 0) await credits.topUp(organization.id, DEMO_CREDITS, 'demo');
  const { secret } = await accounts.createApiKey(DEMO_ORGANIZATION, 'demo');

  const base = `${gateway.url}/v1`;
  console.log(`
Switchyard demo is running at ${gateway.url} (providers simulated at ${simulators.url}).
Press Ctrl-C to stop.

curl:
  curl ${gateway.url}/v1/api/openai/chat/completions \\
    -H "Authorization: Bearer ${secret}" -H "Content-Type: application/json" \\
    -d '{"model": "gpt-5-mini", "messages": [{"role": "user", "content": "Hello from the demo"}]}'

OpenAI SDK (Node):
  import OpenAI from 'openai';
  const client = new OpenAI({ baseURL: '${base}', apiKey: '${secret}' });
  const answer = await client.chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'Hi' }] });
  console.log(answer.choices[0].message.content);

Anthropic SDK / Claude Code (any model, e.g. gpt-5 through the Messages API):
  ANTHROPIC_BASE_URL=${gateway.url} ANTHROPIC_API_KEY=${secret} claude --model claude-sonnet-4-6

Web dashboard: ${gateway.url}/dashboard — sign in with the demo key (its organization's usage,
  read-only)${config.adminToken ? ', or with SWITCHYARD_ADMIN_TOKEN as the operator' : '; start the demo with SWITCHYARD_ADMIN_TOKEN set to sign in as the operator'}.

Demo API key (organization '${DEMO_ORGANIZATION}'):
${secret}`);
}

function parsePort(text: string, option: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(option, `must be a port number (0-65535), got '${text}'`);
  return port;
}
